from __future__ import annotations

from django.urls import path

from sathach.signatures.views import certificates

urlpatterns = [
    path("chu-ky-so/", certificates.my_signature, name="my-signature"),
    path("chu-ky-so/hinh.png", certificates.my_signature_image, name="my-signature-image"),
    path("chu-ky-so/tai-len/", certificates.my_signature_upload, name="my-signature-upload"),
    path("pki/", certificates.pki_overview, name="pki-overview"),
    path("pki/exam-ca.crl", certificates.crl_download, name="pki-crl"),
    path("pki/ca-goc.cer", certificates.root_download, name="pki-root"),
    path("pki/<str:action>/", certificates.pki_action, name="pki-action"),
]
