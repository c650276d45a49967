from __future__ import annotations

import io
import json
from datetime import date, timedelta
from functools import cache
from typing import Any

import jsonschema
import pytest

from dtto.accounts.areas import PROBATION_AREAS
from dtto.caseformat import event_day
from dtto.cases.codelists import CODE_LISTS
from dtto.lib.dates import add_months
from dtto.simulate.model import Simulation
from dtto.simulate.national import reference_data, simulate_national
from dtto.simulate.parameters import load_parameters
from dtto.simulate.writer import write_document

SCHEMA = "dtto/caseformat/dtto-case-1.schema.json"
END = date(2004, 3, 31)


def _codes(list_name: str) -> set[str]:
    return {c.code for c in CODE_LISTS[list_name]}


def _meaning(list_name: str) -> dict[str, str]:
    return {c.code: c.meaning for c in CODE_LISTS[list_name]}


def _file(orders: int, seed: int) -> str:
    sim = Simulation(load_parameters(), orders=orders, seed=seed)
    out = io.StringIO()
    write_document(sim.cases(), out, sim.end.isoformat())
    return out.getvalue()


@cache
def _document() -> dict[str, Any]:
    return json.loads(_file(400, 11))


def test_same_seed_gives_the_same_bytes() -> None:
    assert _file(150, 5) == _file(150, 5)


def test_different_seed_gives_different_records() -> None:
    assert _file(150, 5) != _file(150, 6)


def test_every_file_validates_against_the_schema() -> None:
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.validate(_document(), schema)


def test_orders_are_made_in_the_window_and_referrals_follow_the_funnel() -> None:
    cases = _document()["cases"]
    orders = [c for c in cases if c["order"]]
    assert len(orders) == 400
    for c in orders:
        assert date(2001, 4, 1) <= date.fromisoformat(c["order"]["made_on"]) <= END
    not_sentenced = [c for c in cases if c["order"] is None]
    assert 0.55 < len(not_sentenced) / len(cases) < 0.69
    # Without an Order a case has only its convictions of the year before the referral.
    assert all(
        e["type"] == "conviction" and e["on"] < c["referral"]["on"]
        for c in not_sentenced
        for e in c["events"]
    )


def test_codes_come_from_the_code_lists_and_areas_from_the_reference_data() -> None:
    areas = {code for code, _, _ in PROBATION_AREAS}
    attendance = _meaning("attendance_outcome")
    breach = _meaning("breach_outcome")
    for c in _document()["cases"]:
        assert c["area"] in areas
        p = c["person"]
        assert p["sex"] in _codes("sex") and p["ethnicity"] in _codes("ethnicity")
        assert p["accommodation"] in _codes("accommodation") and p["main_drug"] in _codes("drug")
        assert set(p["other_drugs"]) <= _codes("drug")
        assert c["referral"]["source"] in _codes("referral_source")
        a = c["assessment"]
        if a["outcome"] == "not_assessed":
            assert a["reason"] in _codes("not_assessed_reason")
        elif a["outcome"] == "unsuitable":
            assert a["reason"] in _codes("unsuitable_reason")
        if c["order"]:
            o = c["order"]
            assert o["court"] in (f"{c['area']}-mc", f"{c['area']}-cc")
            assert o["team"] == f"{c['area']}-dtto"
            assert o["treatment_provider"] == f"{c['area']}-treatment"
            assert o["case_manager"] is None
        for e in c["events"]:
            if e["type"] == "appointment":
                assert attendance[e["outcome_code"]] == e["outcome"]
                assert e["kind"] in _codes("appointment_kind")
            elif e["type"] == "breach":
                assert breach[e["outcome_code"]] == e["outcome"]
            elif e["type"] == "termination":
                assert e["reason"] in _codes("termination_reason")
            elif e["type"] == "test":
                substances = set(e.get("results", {})) | set(e.get("admitted", []))
                assert substances <= _codes("substance")


def _day(e: dict[str, Any]) -> date:
    return date.fromisoformat(event_day(e))


def test_every_event_is_within_its_order_and_sorted() -> None:
    for c in _document()["cases"]:
        if not c["order"]:
            continue
        made = date.fromisoformat(c["order"]["made_on"])
        length = c["order"]["length_months"]
        assert 6 <= length <= 36
        terminations = [e for e in c["events"] if e["type"] == "termination"]
        assert len(terminations) <= 1
        last = (
            date.fromisoformat(terminations[0]["on"])
            if terminations
            else add_months(made, length) - timedelta(days=1)
        )
        assert last <= add_months(made, length) - timedelta(days=1)
        days = [_day(e) for e in c["events"]]
        assert days == sorted(days), c["reference"]
        referred = date.fromisoformat(c["referral"]["on"])
        for e, day in zip(c["events"], days, strict=True):
            # A conviction may come before the Order: in the year before the referral (3.7).
            first = referred - timedelta(days=365) if e["type"] == "conviction" else made
            if e["type"] == "review_report":
                # Dated by the review it is for, which may fall just after the data end when
                # the review was held early; it was sent, and any view given, by then.
                sent = date.fromisoformat(e["sent_on"])
                assert made <= sent <= END and e["status"] == "sent", (c["reference"], e)
                if e["court_feedback"] is not None:
                    given = date.fromisoformat(e["court_feedback"]["on"])
                    assert sent <= given <= END, (c["reference"], e)
                assert made <= day, (c["reference"], e)
            else:
                assert first <= day <= END, (c["reference"], e)
            if e["type"] == "conviction" and day < made:
                assert day < referred, (c["reference"], e)
            if e["type"] != "conviction":
                assert day <= last, (c["reference"], e)
            if e["type"] == "appointment":
                assert 0 < e["hours"] <= 12 and round(e["hours"], 2) == e["hours"]
                if e["outcome"] == "not_recorded":
                    assert day > END - timedelta(days=14)
            if e["type"] == "breach":
                later = [*e["hearings"], e["decided_on"], e["warrant_issued_on"]]
                assert all(d is None or d >= e["on"] for d in later)
                if e["warrant_executed_on"]:
                    assert e["warrant_executed_on"] >= e["warrant_issued_on"]
                assert (e["decided_on"] is None) == (e["outcome"] == "pending")
            if e["type"] == "suspension":
                assert e["to"] >= e["from"] and date.fromisoformat(e["to"]) <= last
            if e["type"] == "conviction" and e["offence_on"]:
                assert e["offence_on"] <= e["on"]


def test_people_are_adults_born_before_their_referral() -> None:
    for c in _document()["cases"]:
        born = date.fromisoformat(c["person"]["date_of_birth"])
        referred = date.fromisoformat(c["referral"]["on"])
        assert born < referred
        a = c["assessment"]
        for key in ("started_on", "completed_on"):
            if a[key]:
                assert referred <= date.fromisoformat(a[key]) <= END
        if c["order"]:
            made = date.fromisoformat(c["order"]["made_on"])
            assert referred <= made
            assert add_months(born, 12 * 18) <= made


def test_names_look_real() -> None:
    names = [c["person"]["name"] for c in _document()["cases"]]
    assert all(len(n.split()) >= 2 and n[0].isupper() for n in names)
    assert len(set(names)) > len(names) / 3


def test_simulate_national_covers_the_42_areas() -> None:
    document = simulate_national(orders=1500, seed=2)
    assert document["format"] == "dtto-case/1.1"
    assert {c["area"] for c in document["cases"] if c["order"]} == {
        code for code, _, _ in PROBATION_AREAS
    }


def test_reference_data_targets_add_up_to_the_national_targets() -> None:
    data = reference_data()
    assert set(data["targets"]) == {code for code, _, _ in PROBATION_AREAS}
    total = sum(t["2002-03"]["higher"] for t in data["targets"].values())
    assert abs(total - 6000) <= 42  # one per area of rounding
    assert sum(t["2005-06"]["lower"] for t in data["targets"].values()) == pytest.approx(
        4000, abs=42
    )
    budget = data["budgets"]["leicestershire"]["2002-03"]
    share = budget["treatment"] / sum(budget.values())
    assert share == pytest.approx(0.59, abs=0.005)
    assert data["custody_day_cost"] == 100


def test_an_end_date_in_the_future_is_refused() -> None:
    with pytest.raises(ValueError, match="future"):
        Simulation(load_parameters(), orders=1, seed=1, end=date.today() + timedelta(days=1))


def test_a_later_records_end_lets_every_order_run_its_course() -> None:
    from datetime import date

    from dtto.simulate.national import simulate_national

    cut = simulate_national(orders=120, seed=5)
    history = simulate_national(orders=120, seed=5, records_end=date(2008, 3, 31))

    def ended(document: dict) -> tuple[int, int]:
        orders = [c for c in document["cases"] if c.get("order")]
        return len(orders), sum(
            any(e["type"] == "termination" for e in c["events"]) for c in orders
        )

    made, terminated = ended(history)
    assert made == terminated
    assert history["exported_at"] == "2008-03-31"
    made_cut, terminated_cut = ended(cut)
    assert made_cut == made and terminated_cut < made
    assert {c["order"]["made_on"] for c in history["cases"] if c.get("order")} == {
        c["order"]["made_on"] for c in cut["cases"] if c.get("order")
    }


def test_each_review_held_has_a_sent_report_and_the_court_answers_some() -> None:
    """Parameters 1.3.0: a report for every review held (bar one due after the Order's last
    day), sent 2-7 days before; the court's view of 40% of them, within 21 days."""
    reviews = reports = answered = 0
    for c in _document()["cases"]:
        held = {e["on"] for e in c["events"] if e["type"] == "review"}
        sent = [e for e in c["events"] if e["type"] == "review_report"]
        reviews += len(held)
        reports += len(sent)
        answered += sum(1 for e in sent if e["court_feedback"] is not None)
        for e in sent:
            due = date.fromisoformat(e["review_due"])
            # The review it was sent for: held within its jitter of the due date (-6 to +9
            # days, on or after a working day), 2 to 7 days after the report was sent.
            assert any(
                0 <= (date.fromisoformat(day) - due).days + 6 <= 18
                and 2 <= (date.fromisoformat(day) - date.fromisoformat(e["sent_on"])).days <= 7
                for day in held
            ), (c["reference"], e)
    assert reviews * 0.9 <= reports <= reviews
    # 40% answered, less a few whose answer falls after the data end.
    assert 0.35 <= answered / reports <= 0.45
