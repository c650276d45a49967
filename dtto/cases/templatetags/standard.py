"""The National Standard's numbers for page text, from the rule sets (``dtto.standards``).

Pages never retype a rule (the failure window, the length of phase 1): they name it, so that a new
rule set changes the pages with it.
"""

from __future__ import annotations

from django import template

from dtto.standards.rules import ASSESSMENT_DEADLINE, RULE_SETS_BY_ID, common_rule

register = template.Library()


@register.filter
def rule(rule_set_id: str, name: str) -> object:
    """``{{ evaluation.rule_set|rule:"failure_window_months" }}``: a rule of that rule set."""
    return getattr(RULE_SETS_BY_ID[rule_set_id], name)


@register.simple_tag(name="common_rule")
def common_rule_tag(name: str) -> object:
    """``{% common_rule "failure_window_months" %}``: a rule every rule set shares."""
    return common_rule(name)


@register.simple_tag
def assessment_working_days() -> int:
    """Figure 4: the working days allowed for an assessment after the pre-sentence report."""
    return ASSESSMENT_DEADLINE.working_days
