"""Words for the codes a report's figures are keyed by, read from their one home.

Reports key their figures by code (a termination reason, a sex, an area's slug) so the JSON
contract stays stable; a page, the PDF and the CSV show the words. The words come from the
code lists as loaded into the ``Code`` table (``dtto/cases/codelists.py``), the reference data
(areas, teams, courts) and the models' own choices, never from a dictionary kept here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dtto.accounts.models import Area, Court, Team
from dtto.cases.models import Activity, Code, Intensity

# A report's dimension of people, and the code list its groups come from (age bands and
# ethnic groups are already words: "26+", "White").
_DIMENSION_LISTS = {"sex": "sex", "main_drug": "drug", "accommodation": "accommodation"}
# Mental health need is a yes / no / unknown on the person's record, with no code list; nor
# is "nothing recorded" a code. Their words are here, the one place a report needs them.
_YES_NO = {"yes": "Mental health need recorded", "no": "No mental health need recorded"}
NOT_RECORDED_WORDS = "Not recorded"


@dataclass
class Labels:
    """Code -> words, for one report; an unknown code reads as itself, never as nothing."""

    codes: dict[tuple[str, str], str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    courts: dict[str, str] = field(default_factory=dict)
    intensities: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)

    def code(self, list_name: str, code: str) -> str:
        return self.codes.get((list_name, code), code)

    def area(self, code: str) -> str:
        return self.areas.get(code, code)

    def intensity(self, code: str) -> str:
        return self.intensities.get(code, code)

    def activity(self, code: str) -> str:
        """What a contact was for (the appointment's activity choices), or "Not recorded"."""
        if code == "not_recorded":
            return NOT_RECORDED_WORDS
        return self.activities.get(code, code)

    def group(self, dimension: str, code: str) -> str:
        """A group of people in a reach table (a sex code, an age band, an ethnic group)."""
        if code == "not_recorded":
            return NOT_RECORDED_WORDS
        if dimension == "mental_health_need":
            return _YES_NO.get(code, code)
        list_name = _DIMENSION_LISTS.get(dimension)
        return code if list_name is None else self.code(list_name, code)

    @classmethod
    def load(cls) -> Labels:
        return cls(
            codes={(c.list_name, c.code): c.label for c in Code.objects.all()},
            areas=dict(Area.objects.values_list("code", "name")),
            teams=dict(Team.objects.values_list("code", "name")),
            courts=dict(Court.objects.values_list("code", "name")),
            intensities={str(value): str(label) for value, label in Intensity.choices},
            activities={str(value): str(label) for value, label in Activity.choices},
        )
