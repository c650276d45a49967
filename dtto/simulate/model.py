"""A seeded, pure-Python model of the DTTO in England and Wales, 2001-2004.

People are referred, assessed and (some of them) sentenced to an Order; each Order is then run
week by week: arranged appointments and drug tests, attendance and drug use from a two-state
engagement process, unacceptable failures, warnings and breaches, court reviews and breach
hearings, convictions, and termination (:mod:`.order_run`). Every number comes from
:mod:`.parameters`.

Each Order is simulated to its end even when that falls after the data end (``end``); the
records are then *observed* as they stood on ``end`` (later events dropped, undecided breaches
pending). The summaries keep the whole history, which is what scenarios compare.

Randomness comes only from one ``random.Random(seed)`` drawn in a fixed order, so the same
seed, parameters and arguments give the same records, byte for byte.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Any

from dtto.caseformat import sort_events
from dtto.lib.dates import add_months

from . import names
from .calendar import Calendar, financial_year
from .order_run import OrderRun, OrderSummary, _in_list_order, _ints
from .parameters import Area, Distribution, Parameters


@dataclass(frozen=True, slots=True)
class CaseHeader:
    """What is drawn for every case before its history: who, where, when and how far."""

    area: str
    stage: str  # "sentenced", "suitable_not_sentenced", "unsuitable", "not_assessed"
    day: int  # the Order's date when sentenced, otherwise the referral date


# The assessment's dtto-case/1.1 fields, in the order dtto export writes them.
_NO_REPORT: dict[str, Any] = {
    "psr_requested_on": None,
    "adjourned_on": None,
    "psr_delivered_on": None,
    "health_assessment_recommended": None,
}


def _cumulative(dist: Sequence[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    return [v for v, _ in dist], list(accumulate(w for _, w in dist))


class _Chooser:
    """A weighted choice from a Distribution, with cumulative weights computed once."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, dist: Sequence[tuple[Any, float]]) -> None:
        self.values, self.cum = _cumulative(dist)
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect_left(self.cum, rng.random() * self.total)]


class Simulation:
    """One run: ``orders`` Orders made between ``start`` and ``end``, and their referrals."""

    def __init__(
        self,
        params: Parameters,
        *,
        orders: int,
        seed: int,
        start: date | None = None,
        end: date | None = None,
        records_end: date | None = None,
    ) -> None:
        self.p = params
        self.seed = seed
        self.start = start or date.fromisoformat(params.window.start)
        self.end = end or date.fromisoformat(params.window.end)
        # Orders are made up to ``end``; what happens on them is recorded up to ``records_end``
        # (by default the same day). A later records end lets every Order run its course, as
        # in the demo's history, where no Order should be left running for decades.
        self.records_end = records_end or self.end
        if self.end < self.start:
            raise ValueError("the end date is before the start date")
        if self.records_end < self.end:
            raise ValueError("the records end is before the end date")
        if self.records_end > date.today():
            raise ValueError("the records end is in the future: records may not be")
        self.orders = max(0, round(orders * params.commencements.scale))
        self.rng = random.Random(seed)
        # People are born up to 60 years before; histories run up to 3 years and 2 years of
        # reconviction follow-up past the window, plus slack for hearings and warrants.
        self.cal = Calendar(
            date(self.start.year - 62, 1, 1), date(self.records_end.year + 7, 12, 31)
        )
        self.made_until_ord = self.end.toordinal()
        # The data end: nothing after it is in the records.
        self.end_ord = self.records_end.toordinal()
        self.summaries: list[OrderSummary] = []
        self._prepare()

    # --- set-up -----------------------------------------------------------------------

    def _prepare(self) -> None:
        self.seriousness = _Chooser(self.p.convictions.seriousness)
        self.court_feedback = _Chooser(self.p.reviews.court_feedback)
        self.extra_rng = random.Random(self.seed)
        p = self.p
        self.area_choice = _Chooser([(a, a.weight) for a in p.areas])
        self.areas = {a.code: a for a in p.areas}
        self.lengths = _Chooser([(int(k), w) for k, w in p.order.lengths])
        self.six_month_lengths = _Chooser([(int(k), w) for k, w in p.order.six_month_area_lengths])
        self.lower_lengths = _Chooser([(int(k), w) for k, w in p.order.lower_lengths])
        self.lower_from = date.fromisoformat(p.order.lower_intensity_from).toordinal()
        self.requirements_from = date.fromisoformat(
            p.enforcement.with_requirements_from
        ).toordinal()
        self.white = _Chooser(p.people.white_codes)
        self.minority = _Chooser(p.people.minority_codes)
        self.main_drug = _Chooser(p.people.main_drug)
        self.not_sentenced_main_drug = _Chooser(p.people.not_sentenced_main_drug)
        self.accommodation = _Chooser(p.people.accommodation)
        self.unsuitable_accommodation = _Chooser(p.people.unsuitable_accommodation)
        self.sources = _Chooser(p.funnel.referral_sources)
        self.not_assessed = _Chooser(p.funnel.not_assessed_reasons)
        self.unsuitable = _Chooser(p.funnel.unsuitable_reasons)
        self.acceptable = _Chooser(p.attendance.acceptable_codes)
        self.continued = _Chooser(p.enforcement.continued_codes)
        self.other_exit = _Chooser(p.exits.other_reasons)
        self.tests1 = _Chooser(
            [(int(n), w) for n, w in p.national_standard.unreliable_tests_phase1]
        )
        self.tests2 = _Chooser(
            [(int(n), w) for n, w in p.national_standard.unreliable_tests_phase2]
        )
        self.attend = {
            "engaged": _Chooser(p.attendance.engaged),
            "disengaged": _Chooser(p.attendance.disengaged),
        }
        # Ages at the Order; referrals that are not sentenced are younger (2.16).
        bands = [((lo, hi), w) for lo, hi, w in p.people.age_bands]
        self.ages = _Chooser(bands)
        share_sentenced = p.funnel.sentenced
        under_orders = sum(w for (lo, _), w in bands if lo < 21) / sum(w for _, w in bands)
        self.under21_others = _rest_share(
            p.people.under_21_share_referrals, under_orders, share_sentenced
        )
        self.female_others = _rest_share(
            p.people.female_share_referrals, p.people.female_share_orders, share_sentenced
        )
        self.days = self._day_chooser()

    def _day_chooser(self) -> _Chooser:
        """Working days in the window, weighted by the commencements of their financial year."""
        by_year = dict(self.p.commencements.by_financial_year)
        weighted = []
        for o in range(self.start.toordinal(), self.made_until_ord + 1):
            if self.cal.is_working(o):
                fy = financial_year(date.fromordinal(o))
                weighted.append((o, float(by_year.get(fy, max(by_year.values())))))
        if not weighted:
            raise ValueError("no working day between the start and end dates")
        return _Chooser(weighted)

    def headers(self) -> list[CaseHeader]:
        """Every case of the run, by area and date: Orders, then referrals in the funnel."""
        rng, f = self.rng, self.p.funnel
        cases = [
            CaseHeader(self.area_choice(rng).code, "sentenced", self.days(rng))
            for _ in range(self.orders)
        ]
        others = (
            ("not_assessed", f.not_assessed),
            ("unsuitable", f.unsuitable),
            ("suitable_not_sentenced", f.suitable_not_sentenced),
        )
        for stage, share in others:
            n = round(self.orders * share / f.sentenced)
            cases.extend(
                CaseHeader(self.area_choice(rng).code, stage, self.days(rng)) for _ in range(n)
            )
        order = {a.code: i for i, a in enumerate(self.p.areas)}
        cases.sort(key=lambda c: (order[c.area], c.day, c.stage))
        return cases

    # --- cases ------------------------------------------------------------------------

    def cases(self, records: bool = True) -> Iterator[dict[str, Any]]:
        """Each case in ``dtto-case/1`` form (or ``{}`` when ``records`` is false)."""
        numbers: dict[str, int] = {}
        for index, header in enumerate(self.headers()):
            numbers[header.area] = numbers.get(header.area, 0) + 1
            reference = f"SIM-{header.area}-{numbers[header.area]:06d}"
            # Each case draws from its own stream, so a scenario that changes one case's
            # history leaves the others' random numbers alone (common random numbers).
            self.rng = random.Random(self.seed * 1_000_003 + index)
            # Issue 14's facts draw from a stream of their own, so that adding them left every
            # earlier figure's random numbers (and the calibration) as they were.
            self.extra_rng = random.Random((self.seed * 1_000_003 + index) * 7 + 14)
            yield self._case(reference, header, records)

    def _case(self, reference: str, h: CaseHeader, records: bool) -> dict[str, Any]:
        rng, p, cal = self.rng, self.p, self.cal
        area = self.areas[h.area]
        sentenced = h.stage == "sentenced"
        person = self._person(area, h.day, sentenced, unsuitable=h.stage == "unsuitable")
        f = p.funnel
        if sentenced:
            made = h.day
            decided = made - rng.randint(*_ints(f.assessment_to_sentence_days))
            started = decided - rng.randint(*_ints(f.assessment_days))
            referred = started - rng.randint(*_ints(f.referral_to_assessment_days))
        else:
            referred = h.day
            # Nothing is recorded after the data end: a late referral's assessment is cut short.
            started = min(
                self.end_ord, referred + rng.randint(*_ints(f.referral_to_assessment_days))
            )
            decided = min(self.end_ord, started + rng.randint(*_ints(f.assessment_days)))
        source = self.sources(rng)
        case: dict[str, Any] = {"reference": reference, "area": h.area}
        if h.stage == "not_assessed":
            assessment: dict[str, Any] = {
                "started_on": None,
                "completed_on": None,
                "outcome": "not_assessed",
                "reason": self.not_assessed(rng),
                "recommended_intensity": None,
                **_NO_REPORT,
            }
        elif h.stage == "unsuitable":
            assessment = {
                "started_on": cal.date(started),
                "completed_on": cal.date(decided),
                "outcome": "unsuitable",
                "reason": self._unsuitable_reason(person),
                "recommended_intensity": None,
                **_NO_REPORT,
            }
        else:
            intensity = self._intensity(h.day)
            assessment = {
                "started_on": cal.date(started),
                "completed_on": cal.date(decided),
                "outcome": "suitable",
                "reason": None,
                "recommended_intensity": intensity,
                **_NO_REPORT,
            }
        self._pre_sentence_report(assessment, referred, decided, made if sentenced else None)
        if not sentenced:
            if not records:
                return {}
            case.update(
                person=person,
                referral={"on": cal.date(referred), "source": source},
                assessment=assessment,
                order=None,
                events=sort_events(self._prior_convictions(referred)),
            )
            return case
        intensity = assessment["recommended_intensity"]
        self._recommendation_against(assessment, h.day)
        events, order = self._order(area, made, intensity, person, records)
        if not records:
            return {}
        case.update(
            person=person,
            referral={"on": cal.date(referred), "source": source},
            assessment=assessment,
            order=order,
            events=sort_events(events + self._prior_convictions(referred)),
        )
        return case

    # --- issue 14: the pre-sentence report and offending before the referral -------------

    def _recommendation_against(self, assessment: dict[str, Any], day: int) -> None:
        """From the lower-intensity variant on (2.14), some courts sentence to the other
        intensity than the one recommended: the recommendation is redrawn, from the issue-14
        stream, so the Order (and every calibrated figure) stays as it was."""
        if day < self.lower_from:
            return
        if self.extra_rng.random() < self.p.order.sentenced_unlike_recommendation:
            sentenced = assessment["recommended_intensity"]
            assessment["recommended_intensity"] = "lower" if sentenced == "higher" else "higher"

    def _pre_sentence_report(
        self, assessment: dict[str, Any], referred: int, decided: int, made: int | None
    ) -> None:
        """Most assessments are inside a pre-sentence report the court asked for at referral
        (Figure 4); some are finished after it was presented. About half the courts adjourn
        sentence for the assessment (Appendix 1 standard 7: "second adjournments")."""
        if assessment["outcome"] == "not_assessed":
            return
        rng, cal = self.extra_rng, self.cal
        if assessment["outcome"] == "unsuitable" and assessment["reason"] == "mental_health":
            assessment["health_assessment_recommended"] = rng.random() < 0.7
        if rng.random() < 0.2:
            return  # no report recorded
        if rng.random() < 0.8:
            delivered = decided + rng.randint(0, 5)
        else:
            delivered = decided - rng.randint(1, 8)
        delivered = max(
            referred, min(delivered, self.end_ord, made if made is not None else delivered)
        )
        assessment["psr_requested_on"] = cal.date(referred)
        assessment["psr_delivered_on"] = cal.date(delivered)
        if rng.random() < 0.5:
            assessment["adjourned_on"] = cal.date(referred)

    def _prior_convictions(self, referred: int) -> list[dict[str, Any]]:
        """Convictions in the year before the referral: a Poisson number with mean
        ``yearly_before_referral`` (3.7), on days spread evenly over that year."""
        rng, cv, cal = self.extra_rng, self.p.convictions, self.cal
        count, threshold, product = 0, math.exp(-cv.yearly_before_referral), rng.random()
        while product > threshold:
            count += 1
            product *= rng.random()
        days = sorted(referred - rng.randint(1, 365) for _ in range(count))
        return [
            {
                "type": "conviction",
                "on": cal.date(day),
                "offence_on": cal.date(day - rng.randint(14, 120)),
                "offence": rng.choice(cv.offences),
                "seriousness": self.seriousness(rng),
            }
            for day in days
        ]

    def _intensity(self, day: int) -> str:
        p = self.p.order
        if day >= self.lower_from and self.rng.random() < p.lower_intensity_share:
            return "lower"
        return "higher"

    def _person(
        self, area: Area, day: int, sentenced: bool, *, unsuitable: bool = False
    ) -> dict[str, Any]:
        rng, p = self.rng, self.p.people
        female = rng.random() < (p.female_share_orders if sentenced else self.female_others)
        ethnicity = self.minority(rng) if rng.random() < area.minority else self.white(rng)
        if sentenced or rng.random() >= self.under21_others:
            lo, hi = self.ages(rng)
            if not sentenced and lo < 21:
                lo, hi = 21, 26
        else:
            lo, hi = 18, 21
        age = rng.randrange(int(lo), int(hi))
        birthday = add_months(date.fromordinal(day), -12 * age)
        born = birthday.toordinal() - rng.randint(1, 360)
        group = names.heritage(ethnicity)
        first = rng.choice((names.FEMALE if female else names.MALE)[group])
        surname = rng.choice(names.SURNAMES[group])
        # 2.15: stimulant users, people without settled accommodation and people with mental
        # health needs are commoner among referrals than on the Order.
        main = (self.main_drug if sentenced else self.not_sentenced_main_drug)(rng)
        others = _in_list_order(
            "drug", [d for d, share in p.other_drugs if d != main and rng.random() < share]
        )
        accommodation = (self.unsuitable_accommodation if unsuitable else self.accommodation)(rng)
        mental_health = p.unsuitable_mental_health_need if unsuitable else p.mental_health_need
        return {
            "name": f"{first} {surname}",
            "date_of_birth": self.cal.date(born),
            "sex": "F" if female else "M",
            "ethnicity": ethnicity,
            "accommodation": accommodation,
            "main_drug": main,
            "other_drugs": others,
            "mental_health_need": rng.random() < mental_health,
        }

    def _unsuitable_reason(self, person: dict[str, Any]) -> str:
        # The recorded reason follows the person where it can (2.15): accommodation, mental health.
        if person["accommodation"] == "nfa" and self.rng.random() < 0.6:
            return "no_stable_accommodation"
        if person["mental_health_need"] and self.rng.random() < 0.4:
            return "mental_health"
        return str(self.unsuitable(self.rng))

    # --- the Order --------------------------------------------------------------------

    def _order(
        self, area: Area, made: int, intensity: str, person: dict[str, Any], records: bool
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        rng, p = self.rng, self.p
        if intensity == "lower":
            length = self.lower_lengths(rng)
        elif area.six_month:
            length = self.six_month_lengths(rng)
        else:
            length = self.lengths(rng)
        court_kind = "cc" if rng.random() < p.order.crown_court_share else "mc"
        order = {
            "made_on": self.cal.date(made),
            "length_months": length,
            "intensity": intensity,
            "court": f"{area.code}-{court_kind}",
            "team": f"{area.code}-dtto",
            "case_manager": None,
            "treatment_provider": f"{area.code}-treatment",
            # Every simulated Order follows an assessment that found the person suitable.
            "against_assessment_advice": False,
            "against_advice_reason": None,
        }
        run = OrderRun(self, area, made, length, intensity, person, court_kind)
        run.simulate()
        self.summaries.append(run.summary())
        return (run.records() if records else []), order


def _rest_share(overall: float, among_sentenced: float, share_sentenced: float) -> float:
    """The share among referrals not sentenced that gives ``overall`` across all referrals."""
    rest = (overall - among_sentenced * share_sentenced) / (1 - share_sentenced)
    return min(1.0, max(0.0, rest))


def area_weights(params: Parameters) -> dict[str, float]:
    """Each area's share of commencements (its weight over the total)."""
    total = sum(a.weight for a in params.areas)
    return {a.code: a.weight / total for a in params.areas}


def distribution_total(dist: Distribution) -> float:
    return sum(w for _, w in dist)
