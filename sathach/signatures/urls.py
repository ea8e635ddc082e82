from __future__ import annotations

from django.urls import path

from sathach.signatures import views

urlpatterns = [
    path("chu-ky-so/", views.my_signature, name="my-signature"),
    path("chu-ky-so/hinh.png", views.my_signature_image, name="my-signature-image"),
    path("chu-ky-so/tai-len/", views.my_signature_upload, name="my-signature-upload"),
    path("pki/", views.pki_overview, name="pki-overview"),
    path("pki/exam-ca.crl", views.crl_download, name="pki-crl"),
    path("pki/ca-goc.cer", views.root_download, name="pki-root"),
    path("pki/<str:action>/", views.pki_action, name="pki-action"),
]
