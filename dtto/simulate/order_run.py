"""One Order run week by week: arranged appointments and drug tests, attendance and drug use
from a two-state engagement process, unacceptable failures, warnings and breaches, court reviews
and breach hearings, convictions and termination; then its records as the case format has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dtto.caseformat import sort_events
from dtto.cases.codelists import CODE_LISTS, DEFAULT_ATTENDANCE_CODE
from dtto.lib.dates import add_months
from dtto.standards.rules import (
    SUCCESSFUL_TERMINATION_REASONS,
    is_successful_termination,
    rule_set_for,
)

from . import names
from .parameters import Area

if TYPE_CHECKING:
    from .model import Simulation

# The attendance code written for each outcome: the importer's defaults, and for an outcome
# not yet recorded the code that says a decision is awaited.
_OUTCOME_CODE = {**DEFAULT_ATTENDANCE_CODE, "not_recorded": "AFTA"}
_OPIATE_DRUGS = ("heroin", "methadone")
_COCAINE_DRUGS = ("crack", "cocaine")
# The weekly pattern of appointments: who with and what kind (Figure 4: treatment, offence
# focused work and lifestyle programmes).
_PATTERN = (
    ("probation", "one_to_one"),
    ("treatment", "keywork"),
    ("treatment", "group"),
    ("treatment", "prescribing"),
    ("other", "ete"),
)
_ONWARD = (
    "Community drug team (specialist prescribing)",
    "GP shared care",
    "Structured day care",
    "Residential rehabilitation",
    "Voluntary-sector aftercare group",
)


@dataclass(slots=True)
class OrderSummary:
    """The whole history of one Order (not truncated at the data end), for scenarios."""

    area: str
    made_on: int
    intensity: str
    length_months: int
    ends_on: int  # the natural end: the last day of the term
    terminated_on: int
    reason: str
    in_breach: bool
    breaches: int
    breach_hearings: int
    review_hearings: int
    tests: int
    confirmations: int
    first_conviction: int | None
    custody_days: int

    @property
    def successful(self) -> bool:
        return is_successful_termination(self.reason, self.in_breach)

    @property
    def days(self) -> int:
        return self.terminated_on - self.made_on + 1

    def reconvicted_within(self, days: int) -> bool:
        return self.first_conviction is not None and self.first_conviction <= self.made_on + days


def _ints(r: Sequence[float]) -> tuple[int, int]:
    return int(r[0]), int(r[1])


class OrderRun:
    """The week-by-week history of one Order. Events are kept as small lists until observed."""

    def __init__(
        self,
        sim: Simulation,
        area: Area,
        made: int,
        length: int,
        intensity: str,
        person: dict[str, Any],
        court_kind: str,
    ) -> None:
        self.sim = sim
        self.rng = sim.rng
        self.p = sim.p
        self.cal = sim.cal
        self.area = area
        self.made = made
        self.length = length
        self.intensity = intensity
        self.rules = rule_set_for(intensity, date.fromordinal(made))
        self.court_kind = court_kind
        self.ends = add_months(date.fromordinal(made), length).toordinal() - 1
        drugs = (person["main_drug"], *person["other_drugs"])
        self.opiates = any(d in _OPIATE_DRUGS for d in drugs)
        self.cocaine = any(d in _COCAINE_DRUGS for d in drugs)
        self.extras = tuple(
            s for s in self.p.drug_use.extra_substances if s in person["other_drugs"]
        )
        self.events: list[list[Any]] = []  # [ordinal, kind, payload...]
        self.terminated_on: int | None = None
        self.reason = ""
        self.breaches: list[dict[str, Any]] = []
        self.pending: dict[str, Any] | None = None
        self.tests = 0
        self.confirmations = 0
        self.review_hearings = 0
        self.review_due: dict[int, int] = {}  # a review's day -> the day it was due
        self.reviewed_until = made  # the last day the previous review report covered
        self.first_conviction: int | None = None
        self.custody_days = 0

    # --- the weekly loop ----------------------------------------------------------------

    def simulate(self) -> None:
        rng, p, cal = self.rng, self.p, self.cal
        ns, eng, du, cv, ex = (
            p.national_standard,
            p.engagement,
            p.drug_use,
            p.convictions,
            p.exits,
        )
        made, ends = self.made, self.ends
        retention = self.area.retention
        shift = eng.selection_shift
        self.engaged = rng.random() < min(1.0, max(0.0, eng.engaged_at_start + shift))
        self.absconded = False
        using = not (rng.random() < du.abstinent_at_start)
        clear_weeks = 0
        contact_ok = (
            rng.random() < ns.contact_reliable_phase1,
            rng.random() < ns.contact_reliable_phase2,
        )
        testing_ok = (
            rng.random() < ns.testing_reliable_phase1,
            rng.random() < ns.testing_reliable_phase2,
        )
        if rng.random() < ns.first_probation_on_time:
            on_time = self.rules.first_probation_working_days
            first_probation = made if rng.random() < 0.55 else cal.add(made, on_time)
        else:
            first_probation = cal.add(
                made, rng.randint(*_ints(ns.late_first_probation_working_days))
            )
        if rng.random() < ns.first_treatment_on_time:
            first_treatment = cal.add(made, rng.randint(0, self.rules.first_treatment_working_days))
        else:
            first_treatment = cal.add(
                made, rng.randint(*_ints(ns.late_first_treatment_working_days))
            )
        suspension = self.suspension = self._suspension()
        review_days = self._review_days()
        self.bench = self._bench()
        level = "full"
        weeks_disengaged = weeks_engaged = 0
        lapse_six = eng.lapse_six_month_weeks
        week = 0
        self.failures: list[int] = []
        self.last_breach = -1
        while self.terminated_on is None:
            start = made + 7 * week
            if start > ends:
                break
            week += 1
            phase = 1 if week <= self.rules.phase1_weeks else 2
            if week > 1:
                self._transition(week, retention, shift, using, lapse_six)
            # Drug use (3.4, Figure 16): quitting is likelier while engaged.
            if self.engaged:
                q, r = du.quit_engaged, du.relapse_engaged
            else:
                q, r = du.quit_disengaged, du.relapse_disengaged
            if week > 1:
                using = (rng.random() >= q) if using else (rng.random() < r)
            clear_weeks = 0 if using else clear_weeks + 1
            if self.engaged:
                weeks_engaged += 1
                weeks_disengaged = 0
            else:
                weeks_disengaged += 1
                weeks_engaged = 0
            # Contact level after phase 1 (Figure 4; case study after 3.4).
            if week == self.rules.phase1_weeks + 1:
                level = "reduced" if self.engaged else "full"
                self.events.append([start, "contact_level", level])
            elif phase == 2:
                if (
                    level == "reduced"
                    and weeks_disengaged >= ns.reintroduce_full_after_weeks_disengaged
                ):
                    level = "full"
                    self.events.append([start, "contact_level", level])
                elif level == "full" and weeks_engaged >= ns.reduce_again_after_weeks_engaged:
                    level = "reduced"
                    self.events.append([start, "contact_level", level])
            # Events of the week that end or change the Order.
            state = "absconded" if self.absconded else ("engaged" if self.engaged else "disengaged")
            hazard = {
                "engaged": cv.weekly_engaged,
                "disengaged": cv.weekly_disengaged,
                "absconded": cv.weekly_absconded,
            }[state]
            conviction_day = start + rng.randrange(7) if rng.random() < hazard else -1
            exit_day = start + rng.randrange(7) if rng.random() < ex.weekly_other else -1
            progress_day = -1
            if (
                self.engaged
                and week >= ex.early_progress_min_weeks
                and clear_weeks >= ex.early_progress_clear_weeks
                and self.pending is None
                and rng.random() < ex.early_progress_weekly
            ):
                progress_day = start + rng.randrange(7)
            schedule = self._schedule(
                week,
                start,
                phase,
                level,
                contact_ok[phase - 1],
                testing_ok[phase - 1],
                first_probation,
                first_treatment,
                suspension,
            )
            for day in range(start, min(start + 7, ends + 1)):
                pending = self.pending
                if pending is not None and pending["decide_on"] == day:
                    self._decide(day)
                    if self.terminated_on is not None:
                        break
                if day == conviction_day:
                    self._conviction(day, during=True)
                    if self.terminated_on is not None:
                        break
                if day == exit_day:
                    self._terminate(day, str(self.sim.other_exit(rng)))
                    break
                if day == progress_day and cal.is_working(day):
                    self._terminate(day, "early_good_progress")
                    break
                if day in review_days:
                    self._review(day)
                todays = schedule.get(day)
                if todays is not None:
                    self._attend(day, todays, using)
        if self.terminated_on is None:
            # The natural end: recorded as completed even with a breach undecided (3.3).
            self._terminate(ends, "completed")
        self._after_order()
        self.termination = self._termination_record()

    def _transition(
        self, week: int, retention: float, shift: float, using: bool, six: Sequence[float]
    ) -> None:
        rng, eng = self.rng, self.p.engagement
        if self.engaged:
            h = eng.lapse * retention * (1.0 - shift)
            if week <= eng.lapse_early_weeks:
                h *= eng.lapse_early_multiplier
            if week <= eng.early_engagement_weeks:
                h *= eng.early_engagement_lapse_multiplier
            if six[0] <= week <= six[1]:
                h *= eng.lapse_six_month_multiplier
            if using:
                h *= 1.3
            if rng.random() < h:
                self.engaged = False
        elif not self.absconded:
            if rng.random() < eng.recover / retention:
                self.engaged = True
            elif rng.random() < eng.abscond:
                self.absconded = True

    def _suspension(self) -> tuple[int, int, str] | None:
        """Whole weeks in which the Standard is suspended (Figure 22), if any."""
        rng, ns = self.rng, self.p.national_standard
        if rng.random() >= ns.suspension_share:
            return None
        weeks = max(4, (self.ends - self.made) // 7 - 2)
        first = self.made + 7 * rng.randint(3, weeks)
        last = first + 7 * rng.randint(*_ints(ns.suspension_weeks)) - 1
        return first, min(last, self.ends), rng.choice(ns.suspension_reasons)

    def _review_days(self) -> set[int]:
        """Court review days (Figure 4; 2.14 for lower intensity), a few held off their date."""
        rng, rv, cal = self.rng, self.p.reviews, self.cal
        months = self.rules.review_offsets(self.length)
        made = date.fromordinal(self.made)
        days = set()
        for m in months:
            if rng.random() < rv.held:
                due = add_months(made, m).toordinal()
                day = cal.on_or_after(due + rng.randint(*_ints(rv.jitter_days)))
                days.add(day)
                self.review_due[day] = due
        return days

    def _bench(self) -> list[str]:
        rng = self.rng
        if self.court_kind == "cc":
            return [rng.choice(names.JUDGES)]
        if rng.random() < 0.3:
            return [rng.choice(names.DISTRICT_JUDGES)]
        return [
            f"{rng.choice(('Mr', 'Mrs', 'Ms'))} {rng.choice(names.SURNAMES['white'])} JP"
            for _ in range(3)
        ]

    def _schedule(
        self,
        week: int,
        start: int,
        phase: int,
        level: str,
        contact_ok: bool,
        testing_ok: bool,
        first_probation: int,
        first_treatment: int,
        suspension: tuple[int, int, str] | None,
    ) -> dict[int, list[list[Any]]]:
        """The appointments and tests arranged for one week: {day: [[hours, with, kind, test]]}."""
        rng, ns, cal = self.rng, self.p.national_standard, self.cal
        last = min(start + 6, self.ends)
        first_day = max(start, min(first_probation, first_treatment)) if week == 1 else start
        days = [d for d in range(first_day, last + 1) if cal.is_working(d)]
        if not days:
            return {}
        if suspension is not None and suspension[0] <= start <= suspension[1]:
            # The Standard is suspended (Figure 22): keep in touch, little else.
            return {days[0]: [[1.0, "probation", "one_to_one", False]]}
        # The usual pattern of days and hours is the simulator's; the minimum is the Standard's.
        if self.intensity == "higher":
            n_days, hours = (
                (5, ns.hours_higher_full) if level == "full" else (3, ns.hours_higher_reduced)
            )
        elif level == "full":
            n_days, hours = 3, ns.hours_lower_full
        else:
            n_days, hours = 2, ns.hours_lower_reduced
        contact = self.rules.contact_phase1 if level == "full" else self.rules.contact_phase2
        minimum = contact.hours
        shortfall_p = (
            ns.contact_shortfall_week_phase1 if phase == 1 else ns.contact_shortfall_week_phase2
        )
        if not contact_ok and rng.random() < shortfall_p:
            total = rng.uniform(minimum * 0.45, minimum * 0.93)
            n_days = max(1, n_days - rng.randint(0, 2))
        else:
            total = rng.uniform(hours[0], hours[1])
        if len(days) > n_days:
            # The first appointments (3.15) are kept whatever else is dropped.
            required = [d for d in days if d in (first_probation, first_treatment)]
            rest = [d for d in days if d not in required]
            days = sorted(required + rng.sample(rest, max(0, n_days - len(required))))
        starting = max(first_probation, first_treatment)
        # Equal shares in quarter hours, never more than 7.5 hours in a day.
        each = min(7.5, round(total / len(days) * 4) / 4 or 0.25)
        schedule: dict[int, list[list[Any]]] = {}
        for i, d in enumerate(days):
            if d <= starting:
                slots = self._first_slots(d, first_probation, first_treatment, each)
            else:
                w, kind = _PATTERN[(i + week) % len(_PATTERN)]
                slots = [[each, w, kind, False]]
            if slots:
                schedule[d] = slots
        # Drug tests, taken at appointments (Figure 4: twice a week in phase 1, then weekly).
        if phase == 1:
            n_tests = self.rules.tests_phase1 if testing_ok else self.sim.tests1(rng)
        else:
            n_tests = self.rules.tests_phase2 if testing_ok else self.sim.tests2(rng)
        if testing_ok and rng.random() < ns.reliable_extra_test:
            n_tests += 1
        test_days = list(schedule)
        if n_tests < len(test_days):
            test_days = rng.sample(test_days, n_tests)
        for d in test_days:
            schedule[d][0][3] = True
        return schedule

    @staticmethod
    def _first_slots(
        d: int, first_probation: int, first_treatment: int, each: float
    ) -> list[list[Any]]:
        """Appointments up to the later first appointment: nobody is seen before their first."""
        slots: list[list[Any]] = []
        if d == first_probation:
            slots.append([min(each, 2.0), "probation", "induction", False])
        if d == first_treatment:
            slots.append(
                [
                    max(each - 2.0, 1.5) if d == first_probation else each,
                    "treatment",
                    "keywork",
                    False,
                ]
            )
        if slots:
            return slots
        if d > first_treatment:
            return [[each, "treatment", "group", False]]
        if d > first_probation:
            return [[each, "probation", "one_to_one", False]]
        return []

    def _attend(self, day: int, slots: list[list[Any]], using: bool) -> None:
        rng, sim = self.rng, self.sim
        failed = False
        present = False
        chooser = sim.attend["engaged" if self.engaged else "disengaged"]
        first_week = day < self.made + 7
        # In the last two weeks before the data end, an absence may still await a decision.
        awaiting = sim.end_ord - 13 <= day <= sim.end_ord
        for hours, with_, kind, test in slots:
            if self.absconded:
                outcome = "unacceptable_absence"
            else:
                outcome = chooser(rng)
                if first_week and outcome == "cancelled_by_service":
                    outcome = "attended"  # first appointments are kept (3.15)
            if (
                awaiting
                and outcome != "attended"
                and rng.random() < self.p.attendance.awaiting_decision_share
            ):
                outcome = "not_recorded"
            if outcome == "acceptable_absence":
                code = sim.acceptable(rng)
            else:
                code = _OUTCOME_CODE[outcome]
            self.events.append([day, "appointment", hours, with_, kind, outcome, code])
            if outcome in ("unacceptable_absence", "failed_to_comply"):
                failed = True
            elif outcome == "attended":
                present = True
            if test and present:
                failed = self._test(day, using) or failed
        if failed:
            self._failure(day)

    def _test(self, day: int, using: bool) -> bool:
        """A drug test at an appointment; True when it was refused (always a failure, Fig. 21)."""
        rng, du = self.rng, self.p.drug_use
        refusal = du.refusal_engaged if self.engaged else du.refusal_disengaged
        if rng.random() < refusal:
            self.events.append([day, "test", "refused", None, None, None])
            return True
        self.tests += 1
        if using and (self.opiates or self.cocaine) and rng.random() < du.admission_share:
            admitted = [
                s for s, yes in (("cocaine", self.cocaine), ("opiates", self.opiates)) if yes
            ]
            self.events.append([day, "test", "admission", None, None, admitted])
            return False
        results = {
            "opiates": "positive" if using and self.opiates and rng.random() < 0.97 else "negative",
            "cocaine": "positive"
            if using and self.cocaine and rng.random() < du.cocaine_positive_if_using
            else "negative",
        }
        if self.extras and rng.random() < du.extra_substance_share:
            s = rng.choice(self.extras)
            results[s] = "positive" if using and rng.random() < 0.5 else "negative"
        confirmed = None
        positives = [s for s, r in results.items() if r == "positive"]
        if positives and rng.random() < du.confirmation_share:
            confirmed = {s: True for s in positives}
            self.confirmations += 1
        self.events.append([day, "test", "sample", results, confirmed, None])
        return False

    # --- enforcement ------------------------------------------------------------------

    def _failure(self, day: int) -> None:
        """An unacceptable failure (Figure 21: one a day): warning or breach (Figure 4)."""
        rng, en = self.rng, self.p.enforcement
        if self.pending is not None:
            return  # dealt with in the breach proceedings already under way
        floor = max(add_months(date.fromordinal(day), -12).toordinal(), self.last_breach)
        self.failures = [f for f in self.failures if f > floor]
        self.failures.append(day)
        strict = en.strictness
        if len(self.failures) == 1:
            if rng.random() < en.breach_on_first * strict:
                self._breach(day)
            elif rng.random() < min(1.0, en.warning_on_first * strict):
                self.events.append([day + rng.randint(*_ints(en.warning_days)), "warning", day])
        elif rng.random() < min(1.0, en.breach_on_second * strict):
            self._breach(day)
        else:
            self.events.append([day + rng.randint(*_ints(en.warning_days)), "warning", day])

    def _breach(self, failure_day: int) -> None:
        rng, en, cal = self.rng, self.p.enforcement, self.cal
        on = cal.add(failure_day, rng.randint(*_ints(en.breach_working_days)))
        if on > self.ends:
            return  # too late to bring before the court: the Order has run its term
        first = cal.on_or_after(on + rng.randint(*_ints(en.first_hearing_days)))
        breach: dict[str, Any] = {
            "on": on,
            "failure": failure_day,
            "hearings": [first],
            "warrant_issued": None,
            "warrant_executed": None,
            "warrant_out": False,
            "decided_on": None,
            "outcome": "pending",
            "code": "pending",
        }
        fta = en.fail_to_attend_if_absconded if self.absconded else en.fail_to_attend_otherwise
        if rng.random() < fta:
            mean = (
                en.warrant_long_mean_days
                if rng.random() < en.warrant_long_share
                else en.warrant_execution_mean_days
            )
            executed = first + 1 + int(rng.expovariate(1.0 / mean))
            decide = cal.on_or_after(executed + rng.randint(*_ints(en.decision_after_warrant_days)))
            breach.update(warrant_issued=first, warrant_executed=executed, warrant_out=True)
            breach["hearings"].append(decide)
        elif rng.random() < en.adjourned:
            decide = cal.on_or_after(first + rng.randint(*_ints(en.adjournment_days)))
            breach["hearings"].append(decide)
        else:
            decide = first
        breach["decide_on"] = decide
        self.last_breach = on
        self.failures = []
        self.breaches.append(breach)
        self.pending = breach
        self.events.append([on, "breach", breach])

    def _decide(self, day: int) -> None:
        """The court's decision on a breach (3.27: 37% of breached Orders revoked)."""
        rng, en = self.rng, self.p.enforcement
        breach = self.pending
        assert breach is not None
        if breach["warrant_out"]:
            p_revoke = en.revoke_after_warrant
        else:
            p_revoke = en.revoke_engaged if self.engaged else en.revoke_disengaged
        prior = len(self.breaches) - 1
        p_revoke += en.revoke_per_prior_breach * prior
        breach["decided_on"] = day
        breach["warrant_out"] = False
        self.pending = None
        if rng.random() < p_revoke:
            breach["outcome"] = breach["code"] = "revoked"
            self._terminate(day, "revoked_non_compliance")
            return
        code = "continued"
        if day >= self.sim.requirements_from:
            code = self.sim.continued(rng)
        breach["outcome"], breach["code"] = "continued", code
        self.absconded = False
        self.engaged = rng.random() < en.reengage_after_continued

    def _review(self, day: int) -> None:
        rng, rv = self.rng, self.p.reviews
        hearing = not (self.engaged and rng.random() < rv.paper_review_if_progress)
        if hearing:
            self.review_hearings += 1
        bench = self.bench if rng.random() < rv.continuity else self._bench()
        self.events.append([day, "review", hearing, bench])
        self._review_report(day)

    def _review_report(self, day: int) -> None:
        """Issue 14: the progress report the court reviewed, sent a few days before, and the
        court's view of it for some (Appendix 1 standard 7), from the issue-14 stream so the
        Order and every calibrated figure stay as they were. A report for a review due after
        the Order's last day is not written (the record has no such review due)."""
        rng, rv = self.sim.extra_rng, self.p.reviews
        due = self.review_due[day]
        sent = max(self.made, day - rng.randint(*_ints(rv.report_sent_days_before)))
        period_from = min(self.reviewed_until, sent)
        self.reviewed_until = day + 1
        feedback = None
        if rng.random() < rv.court_feedback_share:
            feedback = (
                day + rng.randint(*_ints(rv.court_feedback_days_after)),
                self.sim.court_feedback(rng),
            )
        self.events.append([day, "review_report", due, period_from, sent, self.engaged, feedback])

    def _conviction(self, day: int, during: bool) -> None:
        rng, cv = self.rng, self.p.convictions
        if self.first_conviction is None:
            self.first_conviction = day
        if during and rng.random() < cv.offence_before_order:
            offence_on = self.made - rng.randint(10, 200)  # committed before the Order (3.3)
        else:
            offence_on = day - rng.randint(14, 120)
        band = self.sim.seriousness(self.sim.extra_rng)
        self.events.append([day, "conviction", offence_on, rng.choice(cv.offences), band])
        if during and rng.random() < cv.revoke_on_conviction:
            self._terminate(day, "revoked_conviction")

    def _terminate(self, day: int, reason: str) -> None:
        self.terminated_on = day
        self.reason = reason

    def _after_order(self) -> None:
        """Convictions after the Order (3.7): custody first for many of those revoked."""
        rng, cv = self.rng, self.p.convictions
        assert self.terminated_on is not None
        t = self.terminated_on
        if self.reason.startswith("revoked") and rng.random() < cv.custody_after_revocation:
            self.custody_days = rng.randint(*_ints(cv.custody_days))
            t += self.custody_days
        success = is_successful_termination(self.reason, self.pending is not None)
        rate = cv.weekly_after_success if success else cv.weekly_after_other
        horizon = self.made + 3 * 366
        while True:
            t += 1 + int(rng.expovariate(rate / 7.0))
            if t > horizon:
                break
            self._conviction(t, during=False)

    # --- observation ------------------------------------------------------------------

    def summary(self) -> OrderSummary:
        assert self.terminated_on is not None
        breaches = [b for b in self.breaches if b["on"] <= self.terminated_on]
        return OrderSummary(
            area=self.area.code,
            made_on=self.made,
            intensity=self.intensity,
            length_months=self.length,
            ends_on=self.ends,
            terminated_on=self.terminated_on,
            reason=self.reason,
            in_breach=self.pending is not None,
            breaches=len(breaches),
            breach_hearings=sum(
                sum(1 for h in b["hearings"] if h <= self.terminated_on) for b in breaches
            ),
            review_hearings=self.review_hearings,
            tests=self.tests,
            confirmations=self.confirmations,
            first_conviction=self.first_conviction,
            custody_days=self.custody_days,
        )

    def records(self) -> list[dict[str, Any]]:
        """The events as they stood on the data end, sorted, in dtto-case/1 form."""
        sim, cal = self.sim, self.cal
        data_end = sim.end_ord
        assert self.terminated_on is not None
        last = min(self.terminated_on, data_end)
        iso = cal.date
        out: list[dict[str, Any]] = []
        add = out.append
        for e in self.events:
            day, kind = e[0], e[1]
            if kind == "conviction":
                if day <= data_end:
                    add(
                        {
                            "type": "conviction",
                            "on": iso(day),
                            "offence_on": iso(e[2]),
                            "offence": e[3],
                            "seriousness": e[4],
                        }
                    )
                continue
            if day > last:
                continue
            if kind == "appointment":
                outcome, code = e[5], e[6]
                add(
                    {
                        "type": "appointment",
                        "on": iso(day),
                        "hours": e[2],
                        "with": e[3],
                        "kind": e[4],
                        "outcome": outcome,
                        "outcome_code": code,
                        "activity": _activity(e[3], e[4]),
                    }
                )
            elif kind == "test":
                # Every field, codes in their code list's order, as dtto export writes them.
                results = _in_list_order("substance", e[3] or {})
                add(
                    {
                        "type": "test",
                        "on": iso(day),
                        "outcome": e[2],
                        "results": {s: e[3][s] for s in results},
                        "confirmed": {s: e[4][s] for s in results if s in (e[4] or {})},
                        "admitted": _in_list_order("substance", e[5] or ()),
                    }
                )
            elif kind == "warning":
                add(
                    {
                        "type": "warning",
                        "on": iso(day),
                        "reason": f"Unacceptable failure to comply on {iso(e[2])}",
                    }
                )
            elif kind == "breach":
                add(self._breach_record(e[2], last))
            elif kind == "review":
                add({"type": "review", "on": iso(day), "hearing": e[2], "sat": e[3], "notes": None})
            elif kind == "contact_level":
                add({"type": "contact_level", "on": iso(day), "level": e[2]})
            elif kind == "review_report" and e[2] <= min(self.terminated_on, self.ends):
                add(self._report_record(e))
        if self.terminated_on <= data_end:
            add(self.termination)
        if self.suspension is not None and self.suspension[0] <= last:
            first, to, reason = self.suspension
            add(
                {
                    "type": "suspension",
                    "from": iso(first),
                    "to": iso(min(to, last)),
                    "reason": reason,
                }
            )
        return sort_events(out)

    def _report_record(self, e: list[Any]) -> dict[str, Any]:
        """A sent review report in dtto-case/1.1 form, as dtto export writes it."""
        iso, data_end = self.cal.date, self.sim.end_ord
        _, _, due, period_from, sent, engaged, feedback = e
        given = feedback is not None and feedback[0] <= data_end
        return {
            "type": "review_report",
            "review_due": iso(due),
            "period_from": iso(period_from),
            "period_to": iso(sent),
            "status": "sent",
            "tests_summary": None,
            "attendance_summary": None,
            "provider_view": None,
            "assessment": _REPORT_ASSESSMENT[engaged],
            "proposal": _REPORT_PROPOSAL[engaged],
            "sent_on": iso(sent),
            "court_feedback": (
                {"feedback": feedback[1], "on": iso(feedback[0]), "notes": None} if given else None
            ),
        }

    def _breach_record(self, b: dict[str, Any], last: int) -> dict[str, Any]:
        iso = self.cal.date
        decided = b["decided_on"] is not None and b["decided_on"] <= last
        issued = (
            b["warrant_issued"]
            if b["warrant_issued"] is not None and b["warrant_issued"] <= last
            else None
        )
        executed = (
            b["warrant_executed"] if issued is not None and b["warrant_executed"] <= last else None
        )
        return {
            "type": "breach",
            "on": iso(b["on"]),
            "reason": f"Unacceptable failure to comply on {iso(b['failure'])}",
            "outcome": b["outcome"] if decided else "pending",
            "outcome_code": b["code"] if decided else "pending",
            "decided_on": iso(b["decided_on"]) if decided else None,
            "hearings": [iso(h) for h in b["hearings"] if h <= last],
            "warrant_issued_on": None if issued is None else iso(issued),
            "warrant_executed_on": None if executed is None else iso(executed),
        }

    def _termination_record(self) -> dict[str, Any]:
        """Drawn when the Order ends, so records and summaries use the same random numbers."""
        rng, iso = self.rng, self.cal.date
        t = self.terminated_on
        assert t is not None
        record: dict[str, Any] = {
            "type": "termination",
            "on": iso(t),
            "reason": self.reason,
            "onward_referral_on": None,
            "onward_referral_to": None,
            "custody_handover_on": None,
            "treatment_started_on": None,
            "treatment_setting": None,
            "treatment_intensity": None,
            "custody_handover_received_on": None,
        }
        # Continuity of care (3.30): onward treatment for most completers; handover to
        # prison drug services for some of those revoked into custody.
        if self.reason in SUCCESSFUL_TERMINATION_REASONS and rng.random() < 0.8:
            when = t - rng.randint(0, 14)
            if when <= self.sim.end_ord:
                record["onward_referral_on"] = iso(max(self.made, when))
                record["onward_referral_to"] = rng.choice(_ONWARD)
        elif self.custody_days and rng.random() < 0.4 and t <= self.sim.end_ord:
            record["custody_handover_on"] = iso(t)
        self._aftercare(record, t)
        return record

    def _aftercare(self, record: dict[str, Any], t: int) -> None:
        """Issue 14 (3.30): most referred on begin treatment within a few weeks, not always
        at the same intensity; prison drug services usually acknowledge a handover."""
        rng, iso, end = self.sim.extra_rng, self.cal.date, self.sim.end_ord
        if record["onward_referral_on"] is not None and rng.random() < 0.85:
            start = t + rng.randint(2, 40)
            if start <= end:
                record["treatment_started_on"] = iso(start)
                setting = rng.random()
                record["treatment_setting"] = (
                    "community"
                    if setting < 0.7
                    else "primary_care"
                    if setting < 0.9
                    else "residential"
                )
                record["treatment_intensity"] = (
                    "structured" if rng.random() < 0.6 else "unstructured"
                )
        if record["custody_handover_on"] is not None and rng.random() < 0.6:
            received = t + rng.randint(0, 14)
            if received <= end:
                record["custody_handover_received_on"] = iso(received)


# The case manager's assessment and proposal in a simulated report, by whether the person
# is engaging: plain, as the court reads them.
_REPORT_ASSESSMENT = {
    True: "Attending and engaging with treatment; drug use is reducing.",
    False: "Not engaging: missed appointments and continued drug use.",
}
_REPORT_PROPOSAL = {
    True: "Continue the Order as it is.",
    False: "Continue the Order with a warning about compliance.",
}

_CODE_POSITIONS = {
    name: {seed.code: i for i, seed in enumerate(seeds)} for name, seeds in CODE_LISTS.items()
}


# What a contact is for (3.21-3.24), from whom it is with and its kind: treatment is
# treatment; probation's one-to-one and group work address offending; education, training
# and employment, and other programmes, are the rest of life.
_PROBATION_LIFESTYLE_KINDS = frozenset({"ete", "other"})


def _activity(with_whom: str, kind: str | None) -> str:
    if with_whom == "treatment":
        return "treatment"
    if with_whom == "probation" and kind not in _PROBATION_LIFESTYLE_KINDS:
        return "offence_focused"
    return "lifestyle"


def _in_list_order(list_name: str, codes: Iterable[str]) -> list[str]:
    """Codes in the order of their code list, the order dtto export writes lists of codes in."""
    position = _CODE_POSITIONS[list_name]
    return sorted(codes, key=lambda code: (position[code], code))
