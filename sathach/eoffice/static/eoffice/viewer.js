// The document viewer of the e-office test. A browser without a PDF viewer (a phone's, or
// one with PDF viewing turned off: navigator.pdfViewerEnabled is false) would show an empty
// frame or offer a download, so the page shows the pictures of the pages the server drew
// instead. "Xem dạng ảnh" does the same on request, without reloading the page.
(function () {
  "use strict";
  var viewer = document.getElementById("viewer");
  if (!viewer) return;
  var frame = viewer.querySelector("iframe");
  var images = viewer.querySelector(".page-images");
  var link = document.getElementById("images-link");
  if (!frame || !images) return;

  function showImages() {
    images.querySelectorAll("img[data-src]").forEach(function (img) {
      img.src = img.dataset.src;
      img.removeAttribute("data-src");
    });
    images.hidden = false;
    frame.remove();
    if (link) link.hidden = true;
  }

  if (navigator.pdfViewerEnabled === false) {
    showImages();
    var note = document.getElementById("no-pdf-viewer");
    if (note) note.hidden = false;
  } else if (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      showImages();
    });
  }
})();
