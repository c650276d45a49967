from __future__ import annotations

from django.urls import path

from dtto.reports import partner_views, spending_views, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/", views.areas, name="areas"),
    path("sections/<slug:section_id>/", views.section, name="section"),
    path("courts/", views.courts, name="courts"),
    path("courts/<slug:court>/", views.sentencers, name="sentencers"),
    path("providers/", partner_views.providers, name="providers"),
    path("providers/<slug:code>/", partner_views.provider, name="provider"),
    path("spending/", spending_views.areas, name="spending"),
    path("spending/<slug:area>/", spending_views.area, name="spending-area"),
    path("spending/<slug:area>/record/", spending_views.record, name="spending-record"),
]
