"""The handful of figures at the top of a report page, each with its interval and trend.

Which figures, and why these: docs/decisions/0014-report-headline-figures.md. Each is read
from a published report (``statistics.publish``), so a withheld figure stays withheld here;
the trend is the same figure for the period just before (``periods.previous``), published the
same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from dtto.reports.results import PublishedReport, Rate
from dtto.reports.sections import (
    DASH,
    MEASURE_LABELS,
    NOT_PUBLISHED,
    ci,
    count,
    pct,
    rate_pct,
)

Count = int | None


@dataclass
class Headline:
    id: str
    label: str
    value: str
    interval: str  # "" when the figure has no interval (a count)
    section: str  # the section page that explains it
    previous: str = ""
    change: str = ""  # "higher", "lower", "the same" or "" (no comparison possible)
    note: str = ""
    # The same figures as numbers, for the CSV (None where withheld or nothing to divide by).
    number: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    previous_number: float | None = None


def _compare(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    if abs(now - before) < 1e-9:
        return "the same"
    return "higher" if now > before else "lower"


def _rate_value(r: Rate[Count]) -> float | None:
    return None if r.get("suppressed") else r["rate"]


def _rate(
    id_: str,
    label: str,
    section: str,
    now: Rate[Count],
    before: Rate[Count] | None,
    note: str = "",
) -> Headline:
    return Headline(
        id=id_,
        label=label,
        value=rate_pct(now),
        # No interval beside a withheld rate or one with nothing to divide by.
        interval=ci(now) if _rate_value(now) is not None else "",
        section=section,
        previous="" if before is None else rate_pct(before),
        change="" if before is None else _compare(_rate_value(now), _rate_value(before)),
        note=note,
        number=_rate_value(now),
        ci_low=None if now.get("suppressed") else now["ci_low"],
        ci_high=None if now.get("suppressed") else now["ci_high"],
        previous_number=None if before is None else _rate_value(before),
    )


def _still_on(data: PublishedReport) -> tuple[str, float | None]:
    group = data["retention"]["groups"].get("all")
    if group is None:
        return DASH, None
    if group.get("suppressed"):
        return NOT_PUBLISHED, None
    value = group["still_on"]["6_months"]
    return pct(value), value


def headlines(data: PublishedReport, before: PublishedReport | None) -> list[Headline]:
    """The headline figures of ``data``, compared with ``before`` when there is one."""
    made, made_before = data["commencements"]["total"], None
    if before is not None:
        made_before = before["commencements"]["total"]
    still_on, still_on_value = _still_on(data)
    still_on_before, still_on_before_value = _still_on(before) if before else ("", None)
    target = data["terminations"]["target_rate"]
    return [
        Headline(
            id="orders-made",
            label="Orders made",
            value=count(made),
            interval="",
            section="commencements",
            previous="" if before is None else count(made_before),
            change=""
            if before is None
            else _compare(
                None if made is None else float(made),
                None if made_before is None else float(made_before),
            ),
            number=made,
            previous_number=made_before,
        ),
        _rate(
            "not-found-suitable",
            "Referrals not found suitable (not assessed or assessed unsuitable)",
            "referrals",
            data["referrals"]["not_found_suitable"],
            None if before is None else before["referrals"]["not_found_suitable"],
        ),
        _rate(
            "successful-completion",
            "Orders ended that were completed successfully",
            "terminations",
            data["terminations"]["successful_completion"],
            None if before is None else before["terminations"]["successful_completion"],
            note="no completion target in force for the whole period"
            if target is None
            else f"target {pct(target)}",
        ),
        Headline(
            id="still-on-6-months",
            label="Still on the Order 6 months after it was made",
            value=still_on,
            interval="",
            section="retention",
            previous=still_on_before,
            change=_compare(still_on_value, still_on_before_value),
            note="Kaplan-Meier estimate, running Orders counted for as long as they have run",
            number=still_on_value,
            previous_number=still_on_before_value,
        ),
        _rate(
            "enforcement",
            MEASURE_LABELS["enforcement"],
            "compliance",
            data["compliance"]["enforcement"],
            None if before is None else before["compliance"]["enforcement"],
        ),
        _rate(
            "reconvicted-1-year",
            "Reconvicted within 1 year of the Order being made",
            "reconviction",
            data["reconviction"]["windows"]["1_year"]["all_starters"],
            None if before is None else before["reconviction"]["windows"]["1_year"]["all_starters"],
        ),
    ]
