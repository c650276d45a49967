from __future__ import annotations

from django.urls import path

from dtto.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in_view, name="sign-in"),
    path("sign-in/code/", views.sign_in_code_view, name="sign-in-code"),
    path("sign-out/", views.sign_out_view, name="sign-out"),
    path("signed-out/", views.signed_out_view, name="signed-out"),
    path("second-factor/", views.second_factor_view, name="second-factor"),
    path("password/", views.password_view, name="password"),
    path("sessions/", views.sessions_view, name="sessions"),
]
