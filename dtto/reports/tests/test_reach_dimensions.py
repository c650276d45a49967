"""Who is reached by main drug, accommodation and mental health need, with being found
suitable as a stage, worked by hand."""

from __future__ import annotations

from typing import Any

import pytest

from dtto.reports import measures
from dtto.reports import statistics as st
from dtto.reports.labels import Labels
from dtto.reports.measures import reach
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import NOT_PUBLISHED, report_sections
from dtto.reports.tests.factories import case, ended, load


def _person(c: dict[str, Any], **fields: Any) -> dict[str, Any]:
    c["person"].update(fields)
    return c


def _cases() -> None:
    """Heroin: 3 referred, all assessed, 2 suitable and sentenced (one completed), 1
    unsuitable. Crack: 2 referred, 1 assessed and found suitable but not sentenced, 1 never
    assessed. One person with no main drug recorded, sentenced."""
    load(
        _person(
            case(events=[ended("2004-02-02", "completed")]),
            main_drug="heroin",
            accommodation="settled",
            mental_health_need=False,
        ),
        _person(case(), main_drug="heroin", accommodation="nfa", mental_health_need=True),
        _person(
            case(assessment="unsuitable", reason="mental_health", made=None),
            main_drug="heroin",
            accommodation="settled",
            mental_health_need=True,
        ),
        _person(case(made=None), main_drug="crack", accommodation="settled"),
        _person(
            case(assessment="not_assessed", reason="did_not_attend", made=None),
            main_drug="crack",
            accommodation="nfa",
            mental_health_need=False,
        ),
        case(),
    )


@pytest.mark.django_db
def test_main_drug_at_every_stage_with_found_suitable_out_of_those_assessed():
    _cases()
    drugs = reach(Scope.national(), Period())["dimensions"]["main_drug"]
    assert set(drugs) == {"heroin", "crack", "not_recorded"}
    heroin, crack = drugs["heroin"], drugs["crack"]
    assert heroin["referred"]["count"] == 3
    assert heroin["assessed"]["rate"] == 1.0
    assert (heroin["suitable"]["numerator"], heroin["suitable"]["denominator"]) == (2, 3)
    assert heroin["commenced"]["rate"] == pytest.approx(2 / 3)
    assert heroin["successful"]["rate"] == 1.0  # 1 of 1 ended
    assert crack["assessed"]["rate"] == 0.5
    assert crack["suitable"]["rate"] == 1.0  # 1 of the 1 assessed
    assert crack["commenced"]["rate"] == 0.0
    # Found suitable relative to heroin (the reference group): 1 / (2/3) = 1.5.
    assert crack["suitable"]["relative_rate"]["ratio"] == pytest.approx(1.5)
    # Crack users are 2 of 6 referred, 1 of 4 found suitable, none of 4 commenced.
    assert crack["share"]["referred"] == pytest.approx(2 / 6)
    assert crack["share"]["suitable"] == pytest.approx(1 / 4)
    assert crack["share"]["commenced"] == 0.0


@pytest.mark.django_db
def test_accommodation_and_mental_health_need_groups_with_nothing_recorded_kept_apart():
    _cases()
    dims = reach(Scope.national(), Period())["dimensions"]
    homes = dims["accommodation"]
    assert {g: v["referred"]["count"] for g, v in homes.items()} == {
        "settled": 3,
        "nfa": 2,
        "not_recorded": 1,
    }
    assert homes["nfa"]["commenced"]["numerator"] == 1
    need = dims["mental_health_need"]
    assert {g: v["referred"]["count"] for g, v in need.items()} == {
        "yes": 2,
        "no": 2,
        "not_recorded": 2,
    }
    # Of the two with a mental health need, both assessed, one found suitable.
    assert need["yes"]["suitable"]["rate"] == 0.5
    assert dims["mental_health_need"]["yes"]["suitable"]["relative_rate"]["ratio"] == (
        pytest.approx(0.5 / 1.0)
    )


@pytest.mark.django_db
def test_found_suitable_is_a_stage_for_age_sex_and_ethnic_group_too():
    _cases()
    men = reach(Scope.national(), Period())["dimensions"]["sex"]["M"]
    # 6 referred, 5 assessed (one never assessed), 4 found suitable.
    assert (men["suitable"]["numerator"], men["suitable"]["denominator"]) == (4, 5)


@pytest.mark.django_db
def test_pages_name_the_groups_in_words_and_withhold_small_groups():
    _cases()
    published = st.publish(measures.report(Scope.national(), Period()))
    crack = published["reach"]["dimensions"]["main_drug"]["crack"]
    assert crack["referred"]["count"] is None
    assert crack["suitable"]["suppressed"] is True
    assert crack["suitable"]["relative_rate"]["ratio"] is None
    sections = {s.id: s for s in report_sections(published, Labels.load())}
    drug_rows = {row[0]: row for row in sections["reach-main_drug"].rows}
    assert set(drug_rows) == {"Heroin", "Crack cocaine", "Not recorded"}
    assert drug_rows["Crack cocaine"][3] == NOT_PUBLISHED  # found suitable
    need_rows = {row[0] for row in sections["reach-mental_health_need"].rows}
    assert need_rows == {
        "Mental health need recorded",
        "No mental health need recorded",
        "Not recorded",
    }
    homes = {row[0] for row in sections["reach-accommodation"].rows}
    assert "No fixed abode" in homes
