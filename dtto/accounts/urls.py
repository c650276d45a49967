from __future__ import annotations

from django.urls import path

from dtto.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in_view, name="sign-in"),
    path("sign-out/", views.sign_out_view, name="sign-out"),
    path("signed-out/", views.signed_out_view, name="signed-out"),
]
