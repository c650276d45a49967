"""Every fact of the National Standard and the performance framework has one home:
``dtto/standards/``. This test fails if one is retyped elsewhere.

It reads the Python files and templates outside ``dtto/standards/`` (tests, migrations and
docs excepted: tests state expectations by hand, migrations are history) for the telltale
literals of facts that live in ``dtto.standards.rules`` and ``dtto.standards.targets``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STANDARDS = ROOT / "dtto" / "standards"

# (fact, where it lives, pattern, the kinds of file it is looked for in)
TELLTALES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "successful termination reasons",
        "rules.SUCCESSFUL_TERMINATION_REASONS",
        r"""["']completed["']\s*,\s*["']early_good_progress["']"""
        r"""|["']early_good_progress["']\s*,\s*["']completed["']""",
        (".py", ".html"),
    ),
    (
        "termination reason vocabulary",
        "timeline.TERMINATION_REASONS",
        r"\bTERMINATION_REASONS\s*(?::[^=\n]*)?=(?!=)",
        (".py",),
    ),
    ("completion target", "targets.COMPLETION_TARGETS", r"(?<![\d.])0\.35\b", (".py", ".html")),
    (
        "completion target",
        "targets.COMPLETION_TARGETS",
        r"\b35\s*(?:%|per ?cent)",
        (".py", ".html"),
    ),
    (
        "phase 1 length",
        "RuleSet.phase1_weeks",
        r"(?i)\bweeks?\s*1\s*(?:-|to|\N{EN DASH})\s*13\b|\bafter\s+week\s+13\b|\b13\s+weeks\b"
        r"|\bweek\s*(?:<=|<|>=|>|==)\s*1[34]\b|\b7\s*\*\s*13\b",
        (".py", ".html"),
    ),
    (
        "failure window",
        "RuleSet.failure_window_months",
        r"(?i)\b(?:in|within)\s+(?:12|twelve)\s+months\b|\b12-month",
        (".py",),
    ),
    (
        "failure window",
        "RuleSet.failure_window_months",
        r"(?i)\b(?:12|twelve)(?:\s+|-)months?\b",
        (".html",),
    ),
    (
        "a deadline in working days",
        "rules.ASSESSMENT_DEADLINE, RuleSet.*_working_days",
        r"(?i)\bworking_days\s*=\s*\d|WORKING_DAYS\s*=\s*\d|add_working_days\([^()]*,\s*\d+\s*\)",
        (".py",),
    ),
    (
        "a deadline in working days",
        "rules.ASSESSMENT_DEADLINE, RuleSet.*_working_days",
        r"(?i)\b\d+\s+working\s+days?\b",
        (".html",),
    ),
    (
        "review tolerance",
        "RuleSet.review_tolerance_days",
        r"timedelta\(\s*days\s*=\s*14\s*\)",
        (".py",),
    ),
    (
        "court review months",
        "RuleSet.review_months",
        r"[\[(]\s*1\s*,\s*2\s*,\s*3\s*,\s*4\s*[\])]",
        (".py", ".html"),
    ),
)

# Lines that match a telltale but are not a copy of the fact, each with its reason.
# (The reports benchmark's own generator had one; it now imports simulated records.)
ALLOWED: dict[tuple[str, str], str] = {}


def _scanned_files() -> list[Path]:
    files = []
    for top in (ROOT / "dtto", ROOT / "benchmarks"):
        for path in top.rglob("*"):
            if path.suffix not in (".py", ".html") or not path.is_file():
                continue
            parts = set(path.relative_to(ROOT).parts)
            if path.is_relative_to(STANDARDS) or parts & {"tests", "browser_tests", "migrations"}:
                continue
            files.append(path)
    return sorted(files)


def _copies(text: str, suffix: str) -> list[tuple[int, str, str]]:
    """(line number, line, fact) for each line that retypes a fact, once per fact."""
    patterns = [(fact, pattern) for fact, _, pattern, kinds in TELLTALES if suffix in kinds]
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        facts = dict.fromkeys(fact for fact, pattern in patterns if re.search(pattern, line))
        found.extend((number, line.strip(), fact) for fact in facts)
    return found


def test_no_fact_of_the_standard_is_copied_outside_dtto_standards():
    copies = []
    for path in _scanned_files():
        relative = path.relative_to(ROOT).as_posix()
        for number, line, fact in _copies(path.read_text(encoding="utf-8"), path.suffix):
            if (relative, line) not in ALLOWED:
                copies.append(f"{relative}:{number}: {fact}: {line}")
    assert copies == []


def test_every_allowed_line_still_exists():
    # A stale allow-list entry would hide the next copy written on a line like it.
    for relative, line in ALLOWED:
        lines = [s.strip() for s in (ROOT / relative).read_text(encoding="utf-8").splitlines()]
        assert line in lines, relative


def test_the_scan_covers_the_apps_templates_and_benchmarks():
    scanned = {p.relative_to(ROOT).as_posix() for p in _scanned_files()}
    assert "dtto/cases/queues.py" in scanned
    assert "dtto/cases/templates/cases/warning_letter.html" in scanned
    assert "benchmarks/bench_reports.py" in scanned
    assert not any(s.startswith("dtto/standards/") for s in scanned)


# The copies this test was written to remove, as they were: each must be caught.
@pytest.mark.parametrize(
    ("line", "suffix", "fact"),
    [
        (
            'successful = t.reason in ("completed", "early_good_progress") and not in_breach',
            ".py",
            "successful termination reasons",
        ),
        (
            'SUCCESSFUL_REASONS = ("completed", "early_good_progress")',
            ".py",
            "successful termination reasons",
        ),
        ("TERMINATION_REASONS = (", ".py", "termination reason vocabulary"),
        ("COMPLETION_TARGET = 0.35  # at least 35% of terminations", ".py", "completion target"),
        ("phase = 1 if week <= 13 else 2", ".py", "phase 1 length"),
        ("if week == 14:", ".py", "phase 1 length"),
        ('"contact_phase1": "Minimum contact arranged, weeks 1-13",', ".py", "phase 1 length"),
        ("on=made_on + dt.timedelta(days=7 * 13),", ".py", "phase 1 length"),
        ("<dt>Testing after week 13</dt>", ".html", "phase 1 length"),
        (
            'f"Unacceptable failure number {failure.number} in 12 months, on "',
            ".py",
            "failure window",
        ),
        ("if you fail to comply again within 12 months, breach action", ".html", "failure window"),
        ("failure number {{ f.number }} in 12 months", ".html", "failure window"),
        ("ASSESSMENT_WORKING_DAYS = 5", ".py", "a deadline in working days"),
        ("window_start = review_due - dt.timedelta(days=14)", ".py", "review tolerance"),
        ("on=add_working_days(made_on, 1),", ".py", "a deadline in working days"),
        ("Due by {{ d }} (5 working days from referral)", ".html", "a deadline in working days"),
        (
            'months = [1, 2, 3, 4] if self.intensity == "higher" else [1]',
            ".py",
            "court review months",
        ),
    ],
)
def test_the_scan_catches_each_copy_it_was_written_for(line, suffix, fact):
    assert [f for _, _, f in _copies(line, suffix)] == [fact]


@pytest.mark.parametrize(
    ("line", "suffix"),
    [
        ('"12 months",  # still on the Order a year after it was made', ".py"),
        ("awaiting = sim.end_ord - 13 <= day <= sim.end_ord", ".py"),
        ("phase = 1 if week <= rules.phase1_weeks else 2", ".py"),
        ('{{ ev.rule_set|rule:"failure_window_months" }} months', ".html"),
        ("<td>0.355</td>", ".html"),
    ],
)
def test_the_scan_passes_lines_that_name_the_rule_or_are_not_about_it(line, suffix):
    assert _copies(line, suffix) == []
