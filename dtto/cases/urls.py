from __future__ import annotations

from django.urls import path

from dtto.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.referral, name="referral"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/assessment/", views.assessment, name="assessment"),
    path("<str:reference>/order/", views.make_order, name="order"),
    path("<str:reference>/case-manager/", views.case_manager, name="case-manager"),
    path("<str:reference>/appointments/new/", views.appointment_new, name="appointment-new"),
    path("<str:reference>/appointments/<int:pk>/outcome/", views.attendance, name="attendance"),
    path("<str:reference>/tests/new/", views.test_new, name="test-new"),
    path(
        "<str:reference>/tests/results/<int:pk>/confirm/",
        views.confirm_result,
        name="confirm-result",
    ),
    path("<str:reference>/contact-level/", views.contact_level, name="contact-level"),
    path("<str:reference>/suspensions/new/", views.suspension, name="suspension"),
    path("<str:reference>/warnings/new/", views.warning_new, name="warning-new"),
    path("<str:reference>/warnings/<int:pk>/letter/", views.warning_letter, name="warning-letter"),
    path("<str:reference>/breaches/new/", views.breach_new, name="breach-new"),
    path("<str:reference>/breaches/<int:pk>/", views.breach_detail, name="breach"),
    path("<str:reference>/breaches/<int:pk>/hearing/", views.breach_hearing, name="breach-hearing"),
    path("<str:reference>/breaches/<int:pk>/warrant/", views.breach_warrant, name="breach-warrant"),
    path(
        "<str:reference>/breaches/<int:pk>/decision/",
        views.breach_decision,
        name="breach-decision",
    ),
    path("<str:reference>/reviews/record/", views.review_record, name="review-record"),
    path("<str:reference>/reviews/<str:due>/report/", views.review_report, name="review-report"),
    path(
        "<str:reference>/reviews/<str:due>/report/draft/",
        views.review_report_draft,
        name="review-report-draft",
    ),
    path(
        "<str:reference>/reviews/<str:due>/report/reopen/",
        views.review_report_reopen,
        name="review-report-reopen",
    ),
    path(
        "<str:reference>/reviews/<str:due>/report.pdf",
        views.review_report_pdf,
        name="review-report-pdf",
    ),
    path("<str:reference>/terminate/", views.terminate, name="terminate"),
    path("<str:reference>/convictions/new/", views.conviction, name="conviction"),
]
