from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from dtto.cases.views import queues as queue_views
from dtto.ops import views as ops_views

urlpatterns = [
    path("", queue_views.home, name="home"),
    path("team/", queue_views.team_queue, name="team-queue"),
    path("accounts/", include("dtto.accounts.urls")),
    path("cases/", include("dtto.cases.urls")),
    path("reports/", include("dtto.reports.urls")),
    path("api/", include("dtto.api.urls")),
    path("admin/", admin.site.urls),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="info/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="info/privacy.html"), name="privacy"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
]
