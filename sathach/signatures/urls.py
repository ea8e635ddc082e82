from __future__ import annotations

from django.urls import path

from sathach.signatures.views import certificates, remote, seal, verify

urlpatterns = [
    path("chu-ky-so/", certificates.my_signature, name="my-signature"),
    path("chu-ky-so/hinh.png", certificates.my_signature_image, name="my-signature-image"),
    path("chu-ky-so/tai-len/", certificates.my_signature_upload, name="my-signature-upload"),
    path("chu-ky-so/token/", remote.token_help, name="remote-sign-help"),
    path("chu-ky-so/api/dang-nhap/", remote.api_login, name="remote-sign-login"),
    path("chu-ky-so/api/chuan-bi/", remote.prepare, name="remote-sign-prepare"),
    path("chu-ky-so/api/<uuid:pk>/hoan-tat/", remote.finish, name="remote-sign-finish"),
    path("chu-ky-so/kiem-tra/", verify.my_signature_check, name="my-signature-check"),
    path("kiem-tra-chu-ky/", verify.signature_verify, name="signature-verify"),
    path("ky-so-co-quan/", seal.document_seal_page, name="document-seal"),
    path("pki/", certificates.pki_overview, name="pki-overview"),
    path("pki/exam-ca.crl", certificates.crl_download, name="pki-crl"),
    path("pki/ca-goc.cer", certificates.root_download, name="pki-root"),
    path("pki/<str:action>/", certificates.pki_action, name="pki-action"),
]
