"""The NDTMS-style treatment export, on small hand-built cases with every cell worked by hand.

NDT-1: Alex Jordan-Smith, female, Black African, heroin, from an arrest referral scheme on
6 January 2003, assessed by 20 January, Order made 3 February 2003 for 12 months with the
Leicestershire treatment provider; treatment attended on 5 February and 10 March 2003 (a
probation appointment and an unacceptable treatment absence do not count); completed on the
last day of its term, 2 February 2004, with no failure: a successful completion.
NDT-2: still running on the export day, no treatment attended yet.
NDT-3: revoked for failure to comply on 1 September 2003 and handed to prison drug services.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dtto.audit.services import Actor
from dtto.cases import codelists, services
from dtto.cases.models import Order
from dtto.cases.ndtms import (
    COLUMNS,
    DRUG,
    ETHNIC,
    REFERRAL_SOURCE,
    SEX,
    UNSUCCESSFUL_DISCHARGE,
    discharge_reason,
    episodes,
)

ACTOR = Actor.system("test")
AS_OF = dt.date(2004, 6, 30)
DOC = Path(__file__).parents[3] / "docs" / "ndtms-export.md"


def _case(reference: str, name: str, **overrides: Any) -> Order:
    values: dict[str, Any] = {
        "area": "leicestershire",
        "date_of_birth": dt.date(1975, 8, 9),
        "sex": "M",
        "ethnicity": "W1",
        "referred_on": dt.date(2003, 1, 6),
        "referral_source": "court",
        "main_drug": "crack",
    }
    values.update(overrides)
    case = services.register_referral(
        by=ACTOR, today=AS_OF, reference=reference, name=name, **values
    )
    services.record_assessment(case, by=ACTOR, outcome="suitable", today=AS_OF)
    return services.make_order(
        case,
        by=ACTOR,
        today=AS_OF,
        made_on=dt.date(2003, 2, 3),
        length_months=12,
        intensity="higher",
        treatment_provider="leicestershire-treatment",
    )


@pytest.fixture
def three_orders(db: None) -> None:
    completed = _case(
        "NDT-1",
        "Alex Jordan-Smith",
        sex="F",
        ethnicity="B2",
        main_drug="heroin",
        referral_source="arrest_referral",
    )
    services.record_assessment(
        completed.case,
        by=ACTOR,
        today=AS_OF,
        outcome="suitable",
        started_on=dt.date(2003, 1, 13),
        completed_on=dt.date(2003, 1, 20),
        recommended_intensity="higher",
    )
    for on, with_whom, outcome in [
        (dt.date(2003, 2, 4), "probation", "ATTC"),
        (dt.date(2003, 2, 4), "treatment", "AAME"),
        (dt.date(2003, 2, 5), "treatment", "ATTC"),
        (dt.date(2003, 3, 10), "treatment", "AFTC"),
    ]:
        services.record_appointment(
            completed, by=ACTOR, today=AS_OF, on=on, hours="2", with_whom=with_whom, outcome=outcome
        )
    services.terminate_order(
        completed, by=ACTOR, today=AS_OF, on=dt.date(2004, 2, 2), reason="completed"
    )
    _case("NDT-2", "Robin Lee")
    revoked = _case("NDT-3", "Chris Day")
    services.terminate_order(
        revoked,
        by=ACTOR,
        today=AS_OF,
        on=dt.date(2003, 9, 1),
        reason="revoked_non_compliance",
        custody_handover_on=dt.date(2003, 9, 2),
    )


def _rows(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("export", "--ndtms", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_a_successful_completion_is_written_as_worked_by_hand(three_orders):
    rows = {r["EPISODEID"]: r for r in _rows()}
    completed = rows["NDT-1"]

    assert {k: v for k, v in completed.items() if k != "CLIENTID"} == {
        "AGNCY": "leicestershire-treatment",
        "EPISODEID": "NDT-1",
        "FINITIAL": "A",
        "SINITIAL": "J",
        "DOB": "09/08/1975",
        "SEX": "2",
        "ETHNIC": "N",
        "NATION": "",
        "DAT": "",
        "PC": "",
        "DRUG1": "Heroin",
        "REFLD": "06/01/2003",
        "RFLS": "Criminal justice - arrest referral",
        "TRIAGED": "20/01/2003",
        "MODAL": "",
        "MODAL_START": "05/02/2003",
        "MODAL_END": "10/03/2003",
        "DISD": "02/02/2004",
        "DISRSN": "Treatment completed",
        "DTTO_AREA": "leicestershire",
        "DTTO_ORDER_MADE": "03/02/2003",
        "DTTO_TERMINATION": "completed",
        "DTTO_SUCCESSFUL": "Y",
    }
    assert completed["CLIENTID"].startswith("DTTO-P")


def test_one_row_per_order_in_reference_order_with_the_header_first(three_orders):
    out = io.StringIO()
    call_command("export", "--ndtms", "--as-of", AS_OF.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0] == ",".join(c.name for c in COLUMNS)
    assert [r["EPISODEID"] for r in _rows()] == ["NDT-1", "NDT-2", "NDT-3"]


def test_a_running_order_has_no_end_discharge_or_outcome(three_orders):
    running = next(r for r in _rows() if r["EPISODEID"] == "NDT-2")

    assert (running["MODAL_START"], running["MODAL_END"], running["DISD"]) == ("", "", "")
    assert (running["DISRSN"], running["DTTO_SUCCESSFUL"], running["TRIAGED"]) == ("", "", "")
    assert running["RFLS"] == "Criminal justice - court"
    assert (running["SEX"], running["ETHNIC"], running["DRUG1"]) == ("1", "A", "Crack cocaine")


def test_a_revocation_handed_to_prison_drug_services_is_a_transfer_in_custody(three_orders):
    revoked = next(r for r in _rows() if r["EPISODEID"] == "NDT-3")

    assert revoked["DISD"] == "01/09/2003"
    assert revoked["DISRSN"] == "Transferred - in custody"
    assert revoked["DTTO_SUCCESSFUL"] == "N"


def test_an_export_as_of_a_day_before_the_termination_shows_the_order_running(three_orders):
    out = io.StringIO()
    call_command("export", "--ndtms", "--as-of", "2003-08-01", "--reference", "NDT-3", stdout=out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))

    assert (row["DISD"], row["DISRSN"]) == ("", "")


def test_an_order_made_after_the_export_day_has_no_row(three_orders):
    # All three Orders were made on 3 February 2003.
    assert [e.episodeid for e in episodes(Order.objects.all(), dt.date(2003, 2, 2))] == []
    assert len(list(episodes(Order.objects.all(), dt.date(2003, 2, 3)))) == 3


def test_only_the_named_providers_orders_are_written(three_orders):
    assert len(_rows("--provider", "leicestershire-treatment")) == 3
    assert _rows("--provider", "dorset-treatment") == []


def test_an_unknown_provider_or_a_bad_day_is_refused_by_name(db):
    with pytest.raises(CommandError, match="--provider: unknown treatment provider 'nowhere'"):
        _rows("--provider", "nowhere")
    with pytest.raises(CommandError, match="--as-of: not a date"):
        call_command("export", "--ndtms", "--as-of", "30/06/2004", stdout=io.StringIO())


def test_a_name_that_would_start_a_formula_gives_a_neutralised_initial(db):
    _case("NDT-9", "=cmd Smith")

    (row,) = _rows()

    assert (row["FINITIAL"], row["SINITIAL"]) == ("'=", "S")


def test_the_file_is_written_readable_by_its_owner_only(three_orders, tmp_path):
    target = tmp_path / "ndtms.csv"
    err = io.StringIO()

    call_command("export", "--ndtms", "--as-of", "2004-06-30", "--out", str(target), stderr=err)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "3 treatment episode(s) written" in err.getvalue()
    assert target.read_bytes().count(b"\r\n") == 4  # the header and three rows


def test_the_rows_function_gives_the_same_episodes_as_the_file(three_orders):
    found = [e.episodeid for e in episodes(Order.objects.all(), AS_OF)]

    assert found == ["NDT-1", "NDT-2", "NDT-3"]


@pytest.mark.parametrize(
    ("reason", "successful", "onward", "custody", "expected"),
    [
        ("completed", True, False, False, "Treatment completed"),
        ("early_good_progress", True, False, False, "Treatment completed"),
        ("completed", True, True, False, "Transferred - not in custody"),
        ("completed", False, False, False, "Incomplete - dropped out"),  # expired in breach
        ("revoked_non_compliance", False, False, False, "Incomplete - dropped out"),
        ("revoked_non_compliance", False, False, True, "Transferred - in custody"),
        ("revoked_conviction", False, False, False, "Incomplete - other"),
        ("ill_health", False, True, False, "Transferred - not in custody"),
        ("death", False, True, True, "Incomplete - client died"),
    ],
)
def test_discharge_reasons_follow_the_documented_rule(
    reason, successful, onward, custody, expected
):
    assert (
        discharge_reason(
            reason, successful=successful, onward_treatment=onward, custody_handover=custody
        )
        == expected
    )


def test_every_shipped_code_has_a_mapping():
    assert {c.code for c in codelists.SEX} == set(SEX)
    assert {c.code for c in codelists.ETHNICITY} == set(ETHNIC)
    assert {c.code for c in codelists.DRUG} == set(DRUG)
    assert {c.code for c in codelists.REFERRAL_SOURCE} == set(REFERRAL_SOURCE)
    assert {c.meaning for c in codelists.TERMINATION_REASON} == set(UNSUCCESSFUL_DISCHARGE)


def test_the_documentation_describes_every_column():
    text = DOC.read_text(encoding="utf-8")

    assert [c.name for c in COLUMNS if f"`{c.name}`" not in text] == []
