from __future__ import annotations

import pytest

from dtto.standards import evaluate
from dtto.standards.tests.factories import breach, d, termination, timeline


@pytest.mark.parametrize(
    ("reason", "breaches", "successful", "in_breach"),
    [
        ("completed", [], True, False),
        ("early_good_progress", [], True, False),
        ("revoked_non_compliance", [], False, False),
        ("revoked_conviction", [], False, False),
        ("death", [], False, False),
        # expiry in breach: a warrant outstanding, never decided
        ("completed", [breach(d("2004-01-20"), "pending")], False, True),
        # decided after the termination: still in breach on the day
        ("completed", [breach(d("2004-01-20"), "continued", d("2004-02-10"))], False, True),
        # decided on the day: no longer in breach
        ("completed", [breach(d("2004-01-20"), "continued", d("2004-02-02"))], True, False),
        ("completed", [breach(d("2003-05-01"), "continued", d("2003-05-20"))], True, False),
        # instigated on the termination day: in breach
        ("early_good_progress", [breach(d("2004-02-02"), "pending")], False, True),
        # instigated after: irrelevant
        ("completed", [breach(d("2004-02-03"), "pending")], True, False),
    ],
)
def test_termination_is_successful_only_when_completed_and_not_in_breach(
    reason, breaches, successful, in_breach
):
    t = timeline(breaches=breaches, termination=termination(d("2004-02-02"), reason))
    finding = evaluate(t, d("2004-06-01")).termination
    assert finding is not None
    assert (finding.successful, finding.in_breach) == (successful, in_breach)


def test_termination_is_null_while_the_order_runs():
    t = timeline(termination=termination(d("2004-02-02")))
    assert evaluate(t, d("2003-06-01")).termination is None
    assert evaluate(timeline(), d("2004-06-01")).termination is None
