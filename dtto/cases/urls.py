from __future__ import annotations

from django.urls import path

from dtto.cases.views import (
    attendance,
    case_page,
    enforcement,
    order,
    queues,
    referral,
    reviews,
    termination,
    testing,
)

app_name = "cases"

urlpatterns = [
    path("", queues.case_list, name="list"),
    path("new/", referral.referral, name="referral"),
    path("<str:reference>/", case_page.case_detail, name="detail"),
    path("<str:reference>/assessment/", referral.assessment, name="assessment"),
    path("<str:reference>/order/", order.make_order, name="order"),
    path("<str:reference>/case-manager/", order.case_manager, name="case-manager"),
    path("<str:reference>/contact-level/", order.contact_level, name="contact-level"),
    path("<str:reference>/suspensions/new/", order.suspension, name="suspension"),
    path("<str:reference>/appointments/new/", attendance.appointment_new, name="appointment-new"),
    path(
        "<str:reference>/appointments/<int:pk>/outcome/", attendance.attendance, name="attendance"
    ),
    path("<str:reference>/tests/new/", testing.test_new, name="test-new"),
    path(
        "<str:reference>/tests/results/<int:pk>/confirm/",
        testing.confirm_result,
        name="confirm-result",
    ),
    path("<str:reference>/warnings/new/", enforcement.warning_new, name="warning-new"),
    path(
        "<str:reference>/warnings/<int:pk>/letter/",
        enforcement.warning_letter,
        name="warning-letter",
    ),
    path("<str:reference>/breaches/new/", enforcement.breach_new, name="breach-new"),
    path("<str:reference>/breaches/<int:pk>/", enforcement.breach_detail, name="breach"),
    path(
        "<str:reference>/breaches/<int:pk>/hearing/",
        enforcement.breach_hearing,
        name="breach-hearing",
    ),
    path(
        "<str:reference>/breaches/<int:pk>/warrant/",
        enforcement.breach_warrant,
        name="breach-warrant",
    ),
    path(
        "<str:reference>/breaches/<int:pk>/decision/",
        enforcement.breach_decision,
        name="breach-decision",
    ),
    path("<str:reference>/convictions/new/", enforcement.conviction, name="conviction"),
    path("<str:reference>/reviews/record/", reviews.review_record, name="review-record"),
    path("<str:reference>/reviews/<str:due>/report/", reviews.review_report, name="review-report"),
    path(
        "<str:reference>/reviews/<str:due>/report/draft/",
        reviews.review_report_draft,
        name="review-report-draft",
    ),
    path(
        "<str:reference>/reviews/<str:due>/report/reopen/",
        reviews.review_report_reopen,
        name="review-report-reopen",
    ),
    path(
        "<str:reference>/reviews/<str:due>/report/feedback/",
        reviews.review_report_feedback,
        name="review-report-feedback",
    ),
    path(
        "<str:reference>/reviews/<str:due>/report.pdf",
        reviews.review_report_pdf,
        name="review-report-pdf",
    ),
    path("<str:reference>/terminate/", termination.terminate, name="terminate"),
    path("<str:reference>/aftercare/", termination.aftercare, name="aftercare"),
]
