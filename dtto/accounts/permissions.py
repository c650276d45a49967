"""Who may see and do what: one function per kind of object, from the user's role and area.

Every view and report asks here; nothing else decides access. The rules, and why they are
so, are in docs/decisions/0003-roles-and-access.md. In short:

- everyone works only in their own probation area (national analysts and administrators
  have no area and see no case records);
- case managers see and record everything on the cases of their area;
- treatment workers see the Orders their provider treats: treatment, tests and attendance,
  never the offence history or enforcement;
- court users see the Orders made at their court: review and breach reports, and record
  review and breach hearings;
- area managers see their area's cases and queues, read only, and its reports;
- Drug Action Team commissioners see their area's reports and its treatment providers'
  activity, never a case record;
- national analysts see aggregates for every area, never a name;
- an area's spending is recorded by its area manager (or an administrator) and read by its
  commissioner and national analysts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from dtto.accounts.models import Area, Role, TreatmentProvider, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from dtto.cases.models import Case, Order, ReviewReport

    AnyUser = User | AnonymousUser

# Things a user records on a case, by the name views and templates use.
RECORDING_ACTIONS: frozenset[str] = frozenset(
    {
        "referral",
        "assessment",
        "order",
        "case_manager",
        "appointment",
        "attendance",
        "test",
        "test_confirmation",
        "contact_level",
        "suspension",
        "warning",
        "breach",
        "breach_hearing",
        "breach_decision",
        "warrant",
        "review",
        "review_report",
        "provider_view",
        "termination",
        "aftercare",
        "conviction",
        "court_feedback",
    }
)

_TREATMENT_ACTIONS = frozenset(
    {"appointment", "attendance", "test", "test_confirmation", "provider_view"}
)
# The court's view of a review report is the court's own (writes_court_feedback).
_COURT_ACTIONS = frozenset(
    {"review", "breach_hearing", "breach_decision", "warrant", "court_feedback"}
)
_CASE_MANAGER_ACTIONS = RECORDING_ACTIONS - {"provider_view", "court_feedback"}

# Parts of the case page, by role. "offences" is the offence history (convictions) and
# the reasons given for breach action; "enforcement" is warnings and breaches.
CASE_SECTIONS: frozenset[str] = frozenset(
    {
        "person",
        "referral",
        "assessment",
        "order",
        "this_week",
        "compliance",
        "timeline",
        "appointments",
        "tests",
        "enforcement",
        "reviews",
        "review_reports",
        "breach_reports",
        "offences",
        "audit",
    }
)
_SECTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.CASE_MANAGER: CASE_SECTIONS,
    Role.AREA_MANAGER: CASE_SECTIONS,
    Role.TREATMENT_WORKER: frozenset(
        {
            "person",
            "order",
            "this_week",
            "compliance",
            "timeline",
            "appointments",
            "tests",
            "reviews",
            "review_reports",
        }
    ),
    Role.COURT_USER: frozenset(
        {"person", "order", "compliance", "reviews", "review_reports", "breach_reports"}
    ),
}


def _active(user: AnyUser) -> User | None:
    if not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    return user


def has_case_access(user: AnyUser) -> bool:
    """Whether the role works with individual case records at all."""
    u = _active(user)
    return u is not None and u.area_id is not None and u.role in _SECTIONS_BY_ROLE


def cases_for(user: AnyUser) -> QuerySet[Case]:
    """The cases this user may open: always within their own area."""
    from dtto.cases.models import Case

    u = _active(user)
    if u is None or not has_case_access(u):
        return Case.objects.none()
    assert u.area_id is not None
    in_area = Case.objects.filter(area_id=u.area_id)
    if u.role in (Role.CASE_MANAGER, Role.AREA_MANAGER):
        return in_area
    if u.role == Role.TREATMENT_WORKER:
        # A worker without a provider sees nothing rather than the whole area.
        if u.treatment_provider_id is None:
            return Case.objects.none()
        return in_area.filter(order__treatment_provider_id=u.treatment_provider_id)
    if u.role == Role.COURT_USER:
        if u.court_id is None:
            return Case.objects.none()
        return in_area.filter(order__court_id=u.court_id)
    return Case.objects.none()


def orders_for(user: AnyUser) -> QuerySet[Order]:
    """The Orders this user may see, on the same rule as ``cases_for``."""
    from dtto.cases.models import Order

    return Order.objects.filter(case__in=cases_for(user))


def get_case_for(user: AnyUser, reference: str) -> Case:
    """The case, or 404 (never 403, so that a reference in another area is not confirmed)."""
    case = (
        cases_for(user)
        # The person's main drug with them: the case page shows it.
        .select_related("person__main_drug", "area", "referral_source")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def sections_for(user: AnyUser) -> frozenset[str]:
    """The parts of a case page this user sees."""
    u = _active(user)
    if u is None or not has_case_access(u):
        return frozenset()
    return _SECTIONS_BY_ROLE.get(u.role, frozenset())


def sees_enforcement(user: AnyUser) -> bool:
    """Warnings and breaches, with their letters: not for treatment workers or courts."""
    return "enforcement" in sections_for(user)


def sees_breach_reports(user: AnyUser) -> bool:
    """A breach and its drafted report for the court: enforcement staff and the court."""
    return bool(sections_for(user) & {"enforcement", "breach_reports"})


def sees_review_reports(user: AnyUser) -> bool:
    return "review_reports" in sections_for(user)


def sees_whole_review_report(user: AnyUser) -> bool:
    """Whether the user reads a review report whole, with the case manager's sections.

    The attendance summary, assessment and proposal speak of warnings and breach, which a
    treatment worker never sees: they read the drug tests and write the provider's view.
    """
    return sees_breach_reports(user)


def can_record(user: AnyUser, what: str) -> bool:
    """Whether the user may record this kind of thing (on a case they can open)."""
    if what not in RECORDING_ACTIONS:
        raise ValueError(f"unknown recording action {what!r}")
    u = _active(user)
    if u is None or not has_case_access(u):
        return False
    if u.role == Role.CASE_MANAGER:
        return what in _CASE_MANAGER_ACTIONS
    if u.role == Role.TREATMENT_WORKER:
        return what in _TREATMENT_ACTIONS
    if u.role == Role.COURT_USER:
        return what in _COURT_ACTIONS
    return False


def recording_actions_for(user: AnyUser) -> frozenset[str]:
    """Every kind of thing the user may record: the links a page offers them, and no others."""
    return frozenset(a for a in RECORDING_ACTIONS if can_record(user, a))


def case_managers_of(area_id: int) -> QuerySet[User]:
    """Who may be given an Order of this area to manage: its active case managers."""
    return User.objects.filter(area_id=area_id, role=Role.CASE_MANAGER, is_active=True)


def sees_team_queue(user: AnyUser) -> bool:
    u = _active(user)
    return u is not None and u.area_id is not None and u.role in _TEAM_QUEUE_ROLES


_TEAM_QUEUE_ROLES = frozenset({Role.CASE_MANAGER, Role.AREA_MANAGER})


class QueueKind(StrEnum):
    """Which queue a user's home page is: the work their role does on their Orders."""

    CASE_MANAGER = "case_manager"
    TREATMENT = "treatment"
    COURT = "court"
    TEAM = "team"  # area managers start from the team queue
    NONE = "none"  # no case records: the home page says where to go instead


@dataclass(frozen=True)
class QueueScope:
    """The Orders (and, for assessments, the cases) a queue covers, and its title."""

    kind: QueueKind
    title: str
    orders: QuerySet[Order]
    cases: QuerySet[Case] | None


def home_queue_for(user: AnyUser) -> QueueScope:
    """The user's own queue: a case manager's Orders, a provider's, a court's."""
    from dtto.cases.models import Order

    u = _active(user)
    if u is not None and u.role == Role.AREA_MANAGER:
        return QueueScope(QueueKind.TEAM, "", Order.objects.none(), None)
    if u is None or not has_case_access(u):
        return QueueScope(QueueKind.NONE, "", Order.objects.none(), None)
    if u.role == Role.CASE_MANAGER:
        mine = orders_for(u).filter(case_manager=u)
        return QueueScope(QueueKind.CASE_MANAGER, "My queue", mine, cases_for(u))
    if u.role == Role.TREATMENT_WORKER:
        return QueueScope(QueueKind.TREATMENT, "My queue", orders_for(u), None)
    title = f"Work for {u.court}" if u.court else "Court work"
    return QueueScope(QueueKind.COURT, title, orders_for(u), None)


def home_queue_label(user: AnyUser) -> str | None:
    """The navigation's name for the user's own queue, if they have one."""
    scope = home_queue_for(user)
    if scope.kind in (QueueKind.CASE_MANAGER, QueueKind.TREATMENT):
        return "My queue"
    if scope.kind == QueueKind.COURT:
        return "Court work"
    return None


def team_queue_for(user: AnyUser) -> QueueScope | None:
    """The area's queue (a case manager in a team sees their team's), or None."""
    u = _active(user)
    if u is None or not sees_team_queue(u):
        return None
    orders = orders_for(u)
    title = f"{u.area} queue"
    if u.role == Role.CASE_MANAGER and u.team_id is not None:
        orders = orders.filter(team_id=u.team_id)
        title = f"{u.team} queue"
    return QueueScope(QueueKind.TEAM, title, orders, cases_for(u))


def records_treatment_appointments_only(user: AnyUser) -> bool:
    """A treatment worker records appointments with treatment, never with probation."""
    u = _active(user)
    return u is not None and u.role == Role.TREATMENT_WORKER


def reads_review_report(user: AnyUser, report: ReviewReport | None) -> bool:
    """Whether the user may read this review report: the court only once it is sent."""
    from dtto.cases.models import ReviewReport

    if report is None or not sees_review_reports(user):
        return False
    if _is_court(user):
        return report.status == ReviewReport.Status.SENT
    return True


def waits_for_sent_review_reports(user: AnyUser) -> bool:
    """Whether a report not yet sent is, for this user, not there yet (the court)."""
    return _is_court(user)


def writes_provider_view(user: AnyUser, order: Order) -> bool:
    """The treatment provider's view is written only by a worker of the Order's provider."""
    u = _active(user)
    return (
        u is not None
        and can_record(u, "provider_view")
        and u.treatment_provider_id is not None
        and u.treatment_provider_id == order.treatment_provider_id
        and orders_for(u).filter(pk=order.pk).exists()
    )


def writes_court_feedback(user: AnyUser, report: ReviewReport) -> bool:
    """The court's view of a review report is given by a user of the court that made the
    Order, once the report has been sent to it (Appendix 1 standard 7)."""
    u = _active(user)
    return (
        u is not None
        and _is_court(u)
        and u.court_id is not None
        and u.court_id == report.order.court_id
        and reads_review_report(u, report)
        and orders_for(u).filter(pk=report.order_id).exists()
    )


def sees_all_areas(user: AnyUser) -> bool:
    """National analysts: aggregates for every area, never a person's record."""
    return _active(user) is not None and report_areas_for(user) is None


def commissions(user: AnyUser) -> bool:
    """A Drug Action Team's commissioner: reports and providers of their area."""
    u = _active(user)
    return u is not None and u.role == Role.COMMISSIONER and u.area_id is not None


def administers(user: AnyUser) -> bool:
    u = _active(user)
    return u is not None and u.role == Role.ADMINISTRATOR


def _is_court(user: AnyUser) -> bool:
    u = _active(user)
    return u is not None and u.role == Role.COURT_USER


def report_areas_for(user: AnyUser) -> list[Area] | None:
    """The areas whose aggregate reports this user may see.

    ``None`` means every area (national analysts); an empty list means no reports at all.
    Area managers and court users (aggregated results for sentencers, Appendix 1 standard 7)
    see their own area.
    """
    u = _active(user)
    if u is None:
        return []
    if u.role == Role.NATIONAL_ANALYST:
        return None
    if u.role in _AREA_REPORT_ROLES and u.area_id is not None:
        return list(Area.objects.filter(pk=u.area_id))
    return []


_AREA_REPORT_ROLES = frozenset({Role.AREA_MANAGER, Role.COURT_USER, Role.COMMISSIONER})


def providers_for(user: AnyUser) -> QuerySet[TreatmentProvider]:
    """The treatment providers whose activity report this user may read: every provider for
    national analysts; those of the area for its commissioner (who commissions them, 2.4-2.8)
    and its area manager; a treatment worker's own provider; none for anyone else."""
    u = _active(user)
    if u is None:
        return TreatmentProvider.objects.none()
    if u.role == Role.NATIONAL_ANALYST:
        return TreatmentProvider.objects.all()
    if u.role in (Role.COMMISSIONER, Role.AREA_MANAGER) and u.area_id is not None:
        return TreatmentProvider.objects.filter(area_id=u.area_id)
    if u.role == Role.TREATMENT_WORKER and u.treatment_provider_id is not None:
        return TreatmentProvider.objects.filter(pk=u.treatment_provider_id)
    return TreatmentProvider.objects.none()


def get_provider_for(user: AnyUser, code: str) -> TreatmentProvider:
    """The provider, or 404 (a provider the user may not read is not confirmed to exist)."""
    provider = providers_for(user).select_related("area").filter(code=code).first()
    if provider is None:
        raise Http404("No such treatment provider")
    return provider


def reads_spending(user: AnyUser) -> bool:
    """Whether the user reads some area's spending (``spending_areas_for``), by role alone, so
    that every page's navigation can ask without a query."""
    u = _active(user)
    if u is None:
        return False
    if u.role in (Role.NATIONAL_ANALYST, Role.ADMINISTRATOR):
        return True
    return u.role in (Role.AREA_MANAGER, Role.COMMISSIONER) and u.area_id is not None


def spending_areas_for(user: AnyUser) -> QuerySet[Area]:
    """The areas whose recorded spending (3.32-3.33) this user may read on the spending pages:
    their own for an area manager and a Drug Action Team commissioner; every area for a
    national analyst and an administrator (who keeps reference data); none for anyone else."""
    u = _active(user)
    if u is None or not reads_spending(u):
        return Area.objects.none()
    if u.role in (Role.NATIONAL_ANALYST, Role.ADMINISTRATOR):
        return Area.objects.all()
    assert u.area_id is not None  # reads_spending: an area manager or commissioner has one
    return Area.objects.filter(pk=u.area_id)


def get_spending_area_for(user: AnyUser, code: str) -> Area:
    """The area, or 404 (an area whose spending the user may not read is not confirmed)."""
    area = spending_areas_for(user).filter(code=code).first()
    if area is None:
        raise Http404("No such probation area")
    return area


def records_spending(user: AnyUser, area: Area) -> bool:
    """Who records and corrects an area's spending: the area's own manager, who answers for
    its budget, and an administrator for any area. The commissioner and the national
    analyst read it only."""
    u = _active(user)
    if u is None:
        return False
    if u.role == Role.ADMINISTRATOR:
        return True
    return u.role == Role.AREA_MANAGER and u.area_id is not None and u.area_id == area.pk


def records_any_spending(user: AnyUser) -> bool:
    """Whether any spending page offers this user its form (for the links to it)."""
    u = _active(user)
    return u is not None and (
        u.role == Role.ADMINISTRATOR or (u.role == Role.AREA_MANAGER and u.area_id is not None)
    )


def sees_reports(user: AnyUser) -> bool:
    return report_areas_for(user) != []
