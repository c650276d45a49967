"""The code lists dtto ships with, as data.

Loaded into the ``Code`` table by a data migration and kept there, so an administrator can
add a code or retire one (``retired_on``) in the admin without breaking records that already
use it. Where the national probation case management system has a code for a thing, the
same code and meaning is used (attendance outcomes ATTC, AFTC, UAAB, AFTA and the AA*
acceptable-absence family); dtto's own codes are lower-case words.

Each entry is ``(code, label, meaning, group)``. ``meaning`` ties a code to the word the
National Standard engine understands (for example every AA* code means
``acceptable_absence``); ``group`` gathers codes for analysis (ethnic groups).
"""

from __future__ import annotations

from typing import Any, NamedTuple


class CodeSeed(NamedTuple):
    code: str
    label: str
    meaning: str = ""
    group: str = ""


# 2001 census ethnic categories (England and Wales), the codes probation used, plus not stated.
ETHNICITY = [
    CodeSeed("W1", "White: British", group="White"),
    CodeSeed("W2", "White: Irish", group="White"),
    CodeSeed("W9", "White: any other White background", group="White"),
    CodeSeed("M1", "Mixed: White and Black Caribbean", group="Mixed"),
    CodeSeed("M2", "Mixed: White and Black African", group="Mixed"),
    CodeSeed("M3", "Mixed: White and Asian", group="Mixed"),
    CodeSeed("M9", "Mixed: any other mixed background", group="Mixed"),
    CodeSeed("A1", "Asian or Asian British: Indian", group="Asian or Asian British"),
    CodeSeed("A2", "Asian or Asian British: Pakistani", group="Asian or Asian British"),
    CodeSeed("A3", "Asian or Asian British: Bangladeshi", group="Asian or Asian British"),
    CodeSeed(
        "A9", "Asian or Asian British: any other Asian background", group="Asian or Asian British"
    ),
    CodeSeed("B1", "Black or Black British: Caribbean", group="Black or Black British"),
    CodeSeed("B2", "Black or Black British: African", group="Black or Black British"),
    CodeSeed(
        "B9", "Black or Black British: any other Black background", group="Black or Black British"
    ),
    CodeSeed("O1", "Chinese", group="Chinese or other ethnic group"),
    CodeSeed("O9", "Any other ethnic group", group="Chinese or other ethnic group"),
    CodeSeed("NS", "Not stated", group="Not stated"),
]

SEX = [
    CodeSeed("M", "Male"),
    CodeSeed("F", "Female"),
    CodeSeed("N", "Not stated"),
]

ACCOMMODATION = [
    CodeSeed("settled", "Settled accommodation"),
    CodeSeed("unsettled", "Unsettled accommodation (hostel, staying with friends)"),
    CodeSeed("nfa", "No fixed abode"),
    CodeSeed("not_known", "Not known"),
]

# Drugs a person uses (main drug and others).
DRUG = [
    CodeSeed("heroin", "Heroin"),
    CodeSeed("crack", "Crack cocaine"),
    CodeSeed("cocaine", "Cocaine powder"),
    CodeSeed("methadone", "Illicit methadone"),
    CodeSeed("amphetamines", "Amphetamines"),
    CodeSeed("benzodiazepines", "Benzodiazepines"),
    CodeSeed("cannabis", "Cannabis"),
    CodeSeed("alcohol", "Alcohol"),
    CodeSeed("other", "Other"),
]

# Substances a drug test reports on (2.x of the source: opiates and cocaine/crack matter most).
SUBSTANCE = [
    CodeSeed("opiates", "Opiates"),
    CodeSeed("cocaine", "Cocaine or crack"),
    CodeSeed("amphetamines", "Amphetamines"),
    CodeSeed("benzodiazepines", "Benzodiazepines"),
    CodeSeed("cannabis", "Cannabis"),
    CodeSeed("methadone", "Methadone"),
    CodeSeed("buprenorphine", "Buprenorphine"),
    CodeSeed("other", "Other"),
]

REFERRAL_SOURCE = [
    CodeSeed("court", "Court"),
    CodeSeed("probation", "Probation"),
    CodeSeed("police", "Police"),
    CodeSeed("arrest_referral", "Arrest referral scheme"),
    CodeSeed("prison", "Prison"),
    CodeSeed("other", "Other"),
]

# Figure 9 and 2.12 of the source.
NOT_ASSESSED_REASON = [
    CodeSeed("did_not_attend", "Did not attend for assessment"),
    CodeSeed("withdrew", "Withdrew consent"),
    CodeSeed("in_custody", "In custody"),
    CodeSeed("other", "Other"),
]

# 2.12 and 2.15 of the source.
UNSUITABLE_REASON = [
    CodeSeed("violence_risk", "Risk of violence"),
    CodeSeed("not_drug_related", "Offending not to fund drug use"),
    CodeSeed("not_motivated", "Not motivated to change"),
    CodeSeed("not_entrenched", "Drug use not entrenched"),
    CodeSeed("mental_health", "Mental health needs"),
    CodeSeed("no_stable_accommodation", "No stable accommodation"),
    CodeSeed("other", "Other"),
]

APPOINTMENT_KIND = [
    CodeSeed("induction", "Induction"),
    CodeSeed("one_to_one", "One-to-one supervision"),
    CodeSeed("keywork", "Treatment keywork"),
    CodeSeed("group", "Group work"),
    CodeSeed("prescribing", "Prescribing clinic"),
    CodeSeed("ete", "Education, training and employment"),
    CodeSeed("other", "Other"),
]

# National probation attendance outcomes. Figure 22 of the source lists the acceptable
# reasons for absence; each gets an AA* code. AFTA (failed to attend) is an absence whose
# acceptability has not been decided yet, so the engine does not count it as a failure.
ATTENDANCE_OUTCOME = [
    CodeSeed("ATTC", "Attended - complied", meaning="attended"),
    CodeSeed("AFTC", "Attended - failed to comply", meaning="failed_to_comply"),
    CodeSeed("UAAB", "Unacceptable absence", meaning="unacceptable_absence"),
    CodeSeed("AFTA", "Failed to attend - decision awaited", meaning="not_recorded"),
    CodeSeed(
        "AAFC", "Acceptable absence - child care or family duties", meaning="acceptable_absence"
    ),
    CodeSeed(
        "AAME",
        "Acceptable absence - incapacity (medical certificate)",
        meaning="acceptable_absence",
    ),
    CodeSeed(
        "AASL", "Acceptable absence - sleep problems under treatment", meaning="acceptable_absence"
    ),
    CodeSeed(
        "AACA",
        "Acceptable absence - conflicting appointment (evidenced)",
        meaning="acceptable_absence",
    ),
    CodeSeed("AAPT", "Acceptable absence - public transport failure", meaning="acceptable_absence"),
    CodeSeed(
        "AANE", "Acceptable absence - activity not equipped to attend", meaning="acceptable_absence"
    ),
    CodeSeed("AAOT", "Acceptable absence - other reason", meaning="acceptable_absence"),
    CodeSeed("RSSR", "Cancelled or rescheduled by the service", meaning="cancelled_by_service"),
]

# Breach outcomes (3.27 of the source); ``meaning`` is what the engine needs to know.
BREACH_OUTCOME = [
    CodeSeed("pending", "Pending", meaning="pending"),
    CodeSeed("continued", "Order continued", meaning="continued"),
    CodeSeed(
        "continued_with_requirements",
        "Order continued with added requirements",
        meaning="continued",
    ),
    CodeSeed("revoked", "Order revoked and re-sentenced", meaning="revoked"),
    CodeSeed("withdrawn", "Breach withdrawn", meaning="continued"),
    CodeSeed("not_proven", "Breach not proven", meaning="continued"),
]

# 3.2-3.3 and Figures 14-15 of the source.
TERMINATION_REASON = [
    CodeSeed("completed", "Completed full term", meaning="completed"),
    CodeSeed("early_good_progress", "Ended early for good progress", meaning="early_good_progress"),
    CodeSeed(
        "revoked_non_compliance", "Revoked for failure to comply", meaning="revoked_non_compliance"
    ),
    CodeSeed(
        "revoked_conviction",
        "Revoked on conviction for another offence",
        meaning="revoked_conviction",
    ),
    CodeSeed("ill_health", "Ill health", meaning="ill_health"),
    CodeSeed("death", "Death", meaning="death"),
    CodeSeed("other", "Other", meaning="other"),
]

CODE_LISTS: dict[str, list[CodeSeed]] = {
    "ethnicity": ETHNICITY,
    "sex": SEX,
    "accommodation": ACCOMMODATION,
    "drug": DRUG,
    "substance": SUBSTANCE,
    "referral_source": REFERRAL_SOURCE,
    "not_assessed_reason": NOT_ASSESSED_REASON,
    "unsuitable_reason": UNSUITABLE_REASON,
    "appointment_kind": APPOINTMENT_KIND,
    "attendance_outcome": ATTENDANCE_OUTCOME,
    "breach_outcome": BREACH_OUTCOME,
    "termination_reason": TERMINATION_REASON,
}

# The outcome code written when a record gives only the engine's word for the outcome.
DEFAULT_ATTENDANCE_CODE = {
    "attended": "ATTC",
    "failed_to_comply": "AFTC",
    "unacceptable_absence": "UAAB",
    "acceptable_absence": "AAOT",
    "cancelled_by_service": "RSSR",
}


def load_code_lists(apps: Any) -> None:
    """Write every code list's codes, in order, into the Code table (migration 0002 and tests)."""
    code_model = apps.get_model("cases", "Code")
    for list_name, seeds in CODE_LISTS.items():
        for position, seed in enumerate(seeds):
            code_model.objects.update_or_create(
                list_name=list_name,
                code=seed.code,
                defaults={
                    "label": seed.label,
                    "meaning": seed.meaning,
                    "group": seed.group,
                    "sort_order": position,
                },
            )
