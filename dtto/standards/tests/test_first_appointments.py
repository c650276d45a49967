from __future__ import annotations

import pytest

from dtto.standards import evaluate
from dtto.standards.tests.factories import appt, d, timeline


@pytest.mark.parametrize(
    ("made_on", "probation_on", "treatment_on", "probation_due", "treatment_due", "met"),
    [
        ("2003-02-03", "2003-02-03", "2003-02-05", "2003-02-04", "2003-02-05", (True, True)),
        ("2003-02-03", "2003-02-05", "2003-02-06", "2003-02-04", "2003-02-05", (False, False)),
        # Friday Order: Monday and Tuesday are the first and second working days.
        ("2003-02-07", "2003-02-10", "2003-02-11", "2003-02-10", "2003-02-11", (True, True)),
        # Maundy Thursday 2003: Good Friday and Easter Monday are not working days.
        ("2003-04-17", "2003-04-22", "2003-04-23", "2003-04-22", "2003-04-23", (True, True)),
        ("2003-04-17", "2003-04-23", "2003-04-24", "2003-04-22", "2003-04-23", (False, False)),
        # Christmas Eve 2004: 25-28 December are all off.
        ("2004-12-24", "2004-12-29", "2004-12-30", "2004-12-29", "2004-12-30", (True, True)),
    ],
)
def test_first_appointments_fall_within_one_and_two_working_days(
    made_on, probation_on, treatment_on, probation_due, treatment_due, met
):
    t = timeline(
        d(made_on),
        appointments=[appt(d(probation_on), with_="probation"), appt(d(treatment_on))],
    )
    e = evaluate(t, d("2005-06-01"))
    assert e.first_probation_appointment.due_by == d(probation_due)
    assert e.first_treatment_appointment.due_by == d(treatment_due)
    assert (e.first_probation_appointment.met, e.first_treatment_appointment.met) == met


def test_appointment_cancelled_by_service_is_not_the_first_appointment():
    t = timeline(
        appointments=[
            appt(d("2003-02-03"), with_="probation", outcome="cancelled_by_service"),
            appt(d("2003-02-06"), with_="probation", outcome="unacceptable_absence"),
        ]
    )
    finding = evaluate(t, d("2003-03-01")).first_probation_appointment
    assert finding.on == d("2003-02-06")
    assert finding.met is False


def test_missed_first_appointment_still_counts_as_arranged():
    t = timeline(
        appointments=[appt(d("2003-02-04"), with_="probation", outcome="unacceptable_absence")]
    )
    assert evaluate(t, d("2003-03-01")).first_probation_appointment.met is True


@pytest.mark.parametrize(
    ("as_of", "met"), [("2003-02-04", None), ("2003-02-05", False), ("2003-02-06", False)]
)
# as_of is read as the end of that day, so on the deadline itself the finding is judged.
def test_first_treatment_appointment_is_unknown_until_its_deadline_passes(as_of, met):
    e = evaluate(timeline(), d(as_of))
    assert e.first_treatment_appointment.met is met
    assert e.first_treatment_appointment.on is None


def test_first_appointment_carries_its_evidence():
    t = timeline(appointments=[appt(d("2003-02-04"), with_="probation")])
    t = t.__class__(
        t.reference,
        t.order,
        appointments=(
            t.appointments[0].__class__(
                d("2003-02-04"), 1.0, "probation", "attended", "appointment:42"
            ),
        ),
    )
    assert evaluate(t, d("2003-03-01")).first_probation_appointment.evidence == ("appointment:42",)
