from __future__ import annotations

from django.urls import path

from dtto.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courts/<slug:court>/", views.sentencers, name="sentencers"),
]
