"""Forms for recording on a case. They check only the shape of what was typed; the services
decide whether it is right, and their field errors are put back on these fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms

from dtto.accounts import permissions
from dtto.cases.models import (
    Activity,
    AftercareIntensity,
    AftercareSetting,
    Appointment,
    Assessment,
    Code,
    ContactLevelChange,
    CourtFeedback,
    DrugTest,
    DrugTestResult,
    Intensity,
    Seriousness,
)
from dtto.lib.dates import YEAR_DIGITS_MESSAGE
from dtto.standards.errors import FieldError, RecordChanged, RecordInvalid
from dtto.standards.validation import HOURS_NOT_A_NUMBER


class DatePartsWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    def __init__(self) -> None:
        super().__init__(
            widgets={
                "day": forms.TextInput(),
                "month": forms.TextInput(),
                "year": forms.TextInput(),
            }
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DatePartsField(forms.MultiValueField):
    widget = DatePartsWidget

    def __init__(self, *, required: bool = True, missing: str = "", **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, required=required, **kwargs)
        # What to say when it is left empty, where "Enter the <label>" is not a sentence; also
        # what a page says when a service finds it missing (ServiceForm.service_message).
        self.missing = missing
        if missing:
            self.error_messages["required"] = missing

    def clean(self, value: Any) -> dt.date | None:
        label = _lower_first(str(self.label or "The date"))
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(self.missing or f"Enter {_with_article(label)}")
            return None
        names = ("day", "month", "year")
        missing = [n for n, p in zip(names, parts, strict=True) if not p]
        if missing:
            raise forms.ValidationError(
                f"{label.capitalize()} must include a {' and '.join(missing)}"
            )
        if len(parts[2]) != 4 or not parts[2].isascii() or not parts[2].isdigit():
            raise forms.ValidationError(YEAR_DIGITS_MESSAGE.format(label=label))
        try:
            if any(len(p) > 2 or not p.isascii() for p in parts[:2]):
                raise ValueError
            day, month, year = (int(p) for p in parts)
            if year < 1900:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{label.capitalize()} must be a real date") from None

    def compress(self, data_list: list[Any]) -> Any:
        return data_list


def codes(list_name: str, *, blank: str | None = None) -> list[tuple[str, str]]:
    """Choices from a code list, without retired codes."""
    choices = [
        (c.code, c.label)
        for c in Code.objects.filter(list_name=list_name, retired_on=None).order_by(
            "sort_order", "code"
        )
    ]
    return ([("", blank)] if blank is not None else []) + choices


def _lower_first(label: str) -> str:
    """A label inside a sentence: "Date of the review" -> "date of the review" ("DTTO" kept)."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def _with_article(label: str) -> str:
    """ "the full name", "why the Standard is suspended", "the court's decision"."""
    lowered = _lower_first(label)
    first = lowered.split(" ", 1)[0]
    return (
        lowered
        if first in {"the", "why", "what", "who", "how", "when", "use"}
        else f"the {lowered}"
    )


def required_message(field: forms.Field) -> str:
    """What a person is told when they leave a required field empty (GOV.UK: say what to do)."""
    label = str(field.label or "an answer").rstrip("?")
    verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
    return f"{verb} {_with_article(label)}"


class ServiceForm(forms.Form):
    """A form whose cleaned data is handed to a service; its errors come back here.

    Django's own messages ("This field is required.") are replaced by ones that say what to
    do; a field's own ``error_messages`` (set where the label does not make a sentence) win.
    """

    # Service field name -> form field name, where they differ.
    error_fields: ClassVar[Mapping[str, str]] = {}
    # Form field name -> how a message names it, where its label is a question ("Was there a
    # hearing?") and cannot begin a sentence.
    error_subjects: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                field.error_messages.get("required")
                == forms.Field.default_error_messages["required"]
            ):
                field.error_messages["required"] = required_message(field)
            if isinstance(field, forms.ChoiceField):
                # A value not in the list comes from an old page or a changed list, not typing.
                field.error_messages["invalid_choice"] = (
                    f"{required_message(field)} from the list: the answer given is no longer one of the choices"
                )

    def set_choices(self, name: str, choices: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def add_service_errors(self, error: RecordInvalid) -> None:
        if isinstance(error, RecordChanged):
            # The whole form is stale, not one field.
            self.add_error(None, error.errors[0].message)
            return
        for field_error in error.errors:
            name = self.form_field(field_error.field)
            self.add_error(name, self.service_message(name, field_error))

    def form_field(self, service_field: str) -> str | None:
        """The form field a service's error is about, or None for the form as a whole."""
        name = self.error_fields.get(service_field, service_field)
        if name not in self.fields:
            # results.opiates -> result_opiates, admitted[0] -> admitted
            name = name.replace(".", "_").replace("results_", "result_").split("[", 1)[0]
        return name if name in self.fields else None

    def service_message(self, name: str | None, error: FieldError) -> str:
        """A service's message as the page shows it (GOV.UK style: a sentence saying what to do).

        The shared checks word a problem with a field as a predicate ("is required", "must be
        on or after 30 November 2026, when the Order was made") that each path in completes:
        the importer and ``dtto evaluate`` with the field's place in the file, a page with the
        field's label. A page says what to do instead of "is required": the field's own
        required message ("Enter the date of the review", from ``required_message``). Any
        other message is a sentence, shown starting with a capital.
        """
        message = error.message
        field = self.fields[name] if name is not None else None
        if message.startswith("is required"):
            condition, _, what = message.partition(": ")
            if what and condition != "is required":
                # "is required before sending the report: the case manager's assessment"
                return f"Enter {what} {condition.removeprefix('is required ')}"
            if field is None:
                return f"Enter the {_words(error.field)}"
            said = str(field.error_messages["required"])
            # A field added after __init__ (a drug test's substances) kept Django's words.
            default = forms.Field.default_error_messages["required"]
            return required_message(field) if said == default else said
        if message.startswith(PREDICATES):
            if field is None:
                subject = _words(error.field).capitalize()
            else:
                subject = self.error_subjects.get(name or "") or str(field.label)
            return f"{subject} {message}"
        return message[:1].upper() + message[1:]


# How a shared check's message about a field begins when the field is its subject.
PREDICATES = ("is ", "must ", "cannot ")


def _words(service_field: str) -> str:
    """A field's name as words, for the rare message about a field the form does not show."""
    return service_field.rsplit(".", 1)[-1].split("[", 1)[0].replace("_", " ")


class EditForm(ServiceForm):
    """A form that changes a stored record: it carries the version it was loaded with.

    The view puts the record's ``version`` in ``initial``; the service refuses the save if
    the record has changed since (``RecordChanged``). A post without it (a client that
    never loaded the form) is checked against the version read when it is saved.
    """

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )


class ReferralForm(ServiceForm):
    error_subjects = {"referral_source": "Who referred the person"}
    reference = forms.CharField(label="Case reference", max_length=40)
    name = forms.CharField(label="Full name", max_length=200)
    date_of_birth = DatePartsField(label="Date of birth", help_text="For example, 31 3 1980")
    sex = forms.ChoiceField(
        label="Sex",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's sex"},
    )
    ethnicity = forms.ChoiceField(label="Ethnicity")
    referred_on = DatePartsField(label="Date of referral")
    referral_source = forms.ChoiceField(
        label="Referred by", error_messages={"required": "Select who referred the person"}
    )
    main_drug = forms.ChoiceField(label="Main drug", required=False)
    accommodation = forms.ChoiceField(label="Accommodation", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("sex", codes("sex"))
        self.set_choices("ethnicity", codes("ethnicity", blank="Choose ethnicity"))
        self.set_choices("referral_source", codes("referral_source", blank="Choose a source"))
        self.set_choices("main_drug", codes("drug", blank="Not known"))
        # The list has its own "Not known": no blank choice beside it saying the same.
        self.set_choices("accommodation", codes("accommodation"))
        self.fields["accommodation"].initial = "not_known"


class AssessmentForm(ServiceForm):
    error_subjects = {
        "health_assessment_recommended": "Whether a health assessment was recommended"
    }
    outcome = forms.ChoiceField(
        label="Outcome", choices=Assessment.Outcome.choices, widget=forms.RadioSelect
    )
    started_on = DatePartsField(label="Date the assessment started", required=False)
    completed_on = DatePartsField(label="Date the assessment was completed", required=False)
    reason = forms.ChoiceField(
        label="Reason",
        required=False,
        help_text="Only when the person was not assessed or found unsuitable",
    )
    recommended_intensity = forms.ChoiceField(
        label="Recommended intensity",
        required=False,
        choices=[("", "None"), *Intensity.choices],
        widget=forms.RadioSelect,
    )
    # The pre-sentence report (Figure 4) and, for mental health, onward care (2.15).
    psr_requested_on = DatePartsField(
        label="Date the pre-sentence report was requested", required=False
    )
    adjourned_on = DatePartsField(
        label="Date the court adjourned for the assessment",
        required=False,
        help_text="Only when the court adjourned so that the person could be assessed",
    )
    psr_delivered_on = DatePartsField(
        label="Date the pre-sentence report was delivered", required=False
    )
    health_assessment_recommended = forms.ChoiceField(
        label="Was a health assessment recommended?",
        required=False,
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        help_text="Only when the person was found unsuitable on mental-health grounds",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        not_assessed = [
            (f"{c}", f"Not assessed: {label}") for c, label in codes("not_assessed_reason")
        ]
        unsuitable = [(f"{c}", f"Unsuitable: {label}") for c, label in codes("unsuitable_reason")]
        # Both lists share some codes (other): the outcome decides which list is meant.
        seen: set[str] = set()
        choices = [("", "No reason")]
        for code, label in not_assessed + unsuitable:
            if code not in seen:
                seen.add(code)
                choices.append((code, label))
        self.set_choices("reason", choices)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        answer = data.pop("health_assessment_recommended", "")
        data["health_assessment_recommended"] = {"yes": True, "no": False}.get(answer)
        return data


class OrderForm(ServiceForm):
    error_subjects = {"against_assessment_advice": "Whether the Order was against the advice"}
    made_on = DatePartsField(label="Date the Order was made")
    length_months = forms.CharField(
        label="Length in months",
        help_text="At least 6 months, at most 3 years (36 months)",
        widget=forms.TextInput(attrs={"width": 3, "inputmode": "numeric"}),
    )
    intensity = forms.ChoiceField(
        label="Intensity", choices=Intensity.choices, widget=forms.RadioSelect
    )
    court = forms.ChoiceField(label="Sentencing court")
    treatment_provider = forms.ChoiceField(label="Treatment provider")
    team = forms.ChoiceField(label="DTTO team")
    case_manager = forms.ChoiceField(label="Case manager", required=False)
    against_assessment_advice = forms.ChoiceField(
        label="Did the court make the Order against the assessment's advice?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the court went against the assessment's advice"},
    )
    against_advice_reason = forms.CharField(
        label="Why the court made the Order against the assessment's advice",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, area_id: int, assessed_suitable: bool = True, **kwargs: Any
    ) -> None:
        from dtto.accounts.models import Court, Team, TreatmentProvider

        super().__init__(*args, **kwargs)
        # No choice is made for the user: each list starts empty and must be answered.
        self.set_choices(
            "court",
            [("", "Choose the court")]
            + [(c.code, c.name) for c in Court.objects.filter(area_id=area_id)],
        )
        self.set_choices(
            "treatment_provider",
            [("", "Choose the provider")]
            + [(p.code, p.name) for p in TreatmentProvider.objects.filter(area_id=area_id)],
        )
        self.set_choices(
            "team",
            [("", "Choose the team")]
            + [(t.code, t.name) for t in Team.objects.filter(area_id=area_id)],
        )
        self.set_choices("case_manager", case_manager_choices(area_id, "Not assigned yet"))
        if assessed_suitable:
            # The usual case: the questions about going against the advice are not asked.
            del self.fields["against_assessment_advice"]
            del self.fields["against_advice_reason"]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "against_assessment_advice" in data:
            data["against_assessment_advice"] = data["against_assessment_advice"] == "yes"
        return data


def case_manager_choices(area_id: int, blank: str) -> list[tuple[str, str]]:
    """The active case managers of an area, by username."""
    managers = permissions.case_managers_of(area_id).order_by("first_name", "last_name", "username")
    return [("", blank)] + [(u.username, u.get_full_name() or u.username) for u in managers]


class CaseManagerForm(EditForm):
    case_manager = forms.ChoiceField(label="Case manager", required=False)

    def __init__(self, *args: Any, area_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("case_manager", case_manager_choices(area_id, "Not assigned"))


class AppointmentForm(ServiceForm):
    error_subjects = {"on": "The date of the appointment", "with_whom": "Who it is with"}
    on = DatePartsField(label="Date")
    hours = forms.CharField(
        label="Hours",
        error_messages={"required": HOURS_NOT_A_NUMBER},
        help_text="Contact hours, for example 2 or 1.5",
        widget=forms.TextInput(attrs={"width": 4, "inputmode": "decimal"}),
    )
    with_whom = forms.ChoiceField(
        label="With",
        choices=Appointment.With.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the appointment is with"},
    )
    kind = forms.ChoiceField(label="Kind of appointment", required=False)
    activity = forms.ChoiceField(
        label="What the contact is for",
        required=False,
        choices=[("", "Not given"), *Activity.choices],
        help_text="Contact hours are reported by what they were for",
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        help_text="Leave as not recorded for an appointment that has not happened yet",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("kind", codes("appointment_kind", blank="Not given"))
        self.set_choices("outcome", codes("attendance_outcome", blank="Not recorded yet"))


class AttendanceForm(EditForm):
    outcome = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        help_text="Acceptable absences are those of Figure 22 of the National Standard",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("outcome", codes("attendance_outcome"))


RESULT_CHOICES = [("", "Not tested"), *DrugTestResult.Result.choices]


class DrugTestForm(ServiceForm):
    on = DatePartsField(label="Date of the test")
    outcome = forms.ChoiceField(
        label="Outcome", choices=DrugTest.Outcome.choices, widget=forms.RadioSelect
    )
    admitted = forms.MultipleChoiceField(
        label="Use admitted in writing",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for a written admission instead of a test",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.substances = codes("substance")
        for code, label in self.substances:
            self.fields[f"result_{code}"] = forms.ChoiceField(
                label=label, required=False, choices=RESULT_CHOICES
            )
            self.fields[f"confirmed_{code}"] = forms.ChoiceField(
                label=f"{label}: laboratory confirmation",
                required=False,
                choices=[
                    ("", "Not sent or not back"),
                    ("yes", "Confirmed"),
                    ("no", "Not confirmed"),
                ],
            )
        self.set_choices("admitted", self.substances)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tested = any(data.get(f"result_{c}") for c, _ in self.substances)
        if data.get("outcome") == DrugTest.Outcome.SAMPLE and not tested:
            # A sample with nothing tested would count towards the Standard's tests.
            first = f"result_{self.substances[0][0]}" if self.substances else None
            self.add_error(first, "Choose positive or negative for at least one substance tested")
        return data

    def result_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"result_{c}"], self[f"confirmed_{c}"]) for c, _ in self.substances]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        results = {c: data[f"result_{c}"] for c, _ in self.substances if data[f"result_{c}"]}
        confirmed = {
            c: data[f"confirmed_{c}"] == "yes" for c, _ in self.substances if data[f"confirmed_{c}"]
        }
        return {
            "on": data["on"],
            "outcome": data["outcome"],
            "results": results,
            "confirmed": confirmed,
            "admitted": data["admitted"],
        }

    def form_field(self, service_field: str) -> str | None:
        if service_field == "results" and self.substances:
            # About every result: shown at the first, where the summary's link lands.
            return f"result_{self.substances[0][0]}"
        if service_field.startswith("confirmed."):
            name = f"confirmed_{service_field.split('.', 1)[1]}"
            return name if name in self.fields else None
        return super().form_field(service_field)


class ConfirmResultForm(EditForm):
    confirmed = forms.ChoiceField(
        label="Laboratory result",
        choices=[("yes", "Confirmed positive"), ("no", "Not confirmed")],
        widget=forms.RadioSelect,
    )


class ContactLevelForm(ServiceForm):
    error_subjects = {"on": "The date the new contact level starts"}
    on = DatePartsField(label="From", missing="Enter the date the new contact level starts")
    level = forms.ChoiceField(
        label="Contact level",
        choices=ContactLevelChange.Level.choices,
        widget=forms.RadioSelect,
        help_text="Reduce for good progress; restore the full level after relapse",
    )


class SuspensionForm(ServiceForm):
    error_fields = {"from": "starts_on", "to": "ends_on"}
    error_subjects = {
        "starts_on": "The date the suspension starts",
        "ends_on": "The last day of the suspension",
    }
    starts_on = DatePartsField(
        label="Suspended from", missing="Enter the date the suspension starts"
    )
    ends_on = DatePartsField(
        label="Suspended to (inclusive)", missing="Enter the last day of the suspension"
    )
    reason = forms.CharField(
        label="Why the Standard is suspended",
        help_text="For example homelessness being resolved, home detoxification, family responsibilities",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WarningForm(ServiceForm):
    on = DatePartsField(label="Date of the warning")
    reason = forms.CharField(
        label="The unacceptable failure warned about",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BreachForm(ServiceForm):
    on = DatePartsField(label="Date breach action was instigated")
    reason = forms.CharField(
        label="The failures that led to breach action", widget=forms.Textarea(attrs={"rows": 4})
    )


class HearingForm(ServiceForm):
    on = DatePartsField(label="Date of the hearing")


class WarrantForm(EditForm):
    error_fields = {"warrant_issued_on": "issued_on", "warrant_executed_on": "executed_on"}
    error_subjects = {
        "issued_on": "The date the warrant was issued",
        "executed_on": "The date the warrant was executed",
    }
    issued_on = DatePartsField(
        label="Warrant issued on", missing="Enter the date the warrant was issued"
    )
    executed_on = DatePartsField(label="Warrant executed on", required=False)


class BreachDecisionForm(EditForm):
    error_fields = {"decided_on": "on"}
    on = DatePartsField(label="Date of the decision")
    outcome = forms.ChoiceField(label="The court's decision", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("outcome", [c for c in codes("breach_outcome") if c[0] != "pending"])


class ReviewForm(ServiceForm):
    error_subjects = {"hearing": "Whether there was a hearing"}
    on = DatePartsField(label="Date of the review")
    hearing = forms.ChoiceField(
        label="Was there a hearing?",
        error_messages={"required": "Select yes if there was a hearing"},
        choices=[("yes", "Yes"), ("no", "No, reviewed on the papers")],
        widget=forms.RadioSelect,
    )
    sat = forms.CharField(
        label="Who sat",
        required=False,
        help_text="One name a line, to show continuity of the bench",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label="Outcome of the review", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewReportForm(EditForm):
    """The case manager's sections; the provider's view is the provider's own form."""

    tests_summary = forms.CharField(
        label="Drug test results since the last review",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attendance_summary = forms.CharField(
        label="Attendance against the National Standard",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    assessment = forms.CharField(
        label="Attitude and response to the Order",
        required=False,
        help_text="The case manager's assessment",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    proposal = forms.CharField(
        label="Proposal to the court", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProviderViewForm(EditForm):
    provider_view = forms.CharField(
        label="The treatment provider's view",
        help_text="Engagement with treatment, prescribing and progress since the last review",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class CourtFeedbackForm(ServiceForm):
    """The court's view of a review report it was sent (Appendix 1 standard 7)."""

    error_subjects = {"feedback": "How useful the report was"}

    feedback = forms.ChoiceField(
        label="How useful was the report to the court?",
        choices=CourtFeedback.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how useful the report was to the court"},
    )
    notes = forms.CharField(
        label="What would have made it more useful",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on = DatePartsField(label="Date of the feedback")


class ReopenReviewReportForm(EditForm):
    reason = forms.CharField(
        label="What needs correcting",
        help_text="Kept on the audit trail with the report as it was sent",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TerminationForm(ServiceForm):
    error_subjects = {
        "onward_referral_on": "The date of the referral for onward treatment",
        "onward_referral_to": "Where the person was referred for onward treatment",
        "custody_handover_on": "The date of the handover to prison drug services",
    }
    on = DatePartsField(label="Date the Order ended")
    reason = forms.ChoiceField(label="Why it ended", widget=forms.RadioSelect)
    onward_referral_on = DatePartsField(label="Referred for onward treatment on", required=False)
    onward_referral_to = forms.CharField(
        label="Referred for onward treatment to",
        required=False,
        help_text="Continuity of care after the Order",
    )
    custody_handover_on = DatePartsField(
        label="Handed over to prison drug services on",
        required=False,
        help_text="Only when the person went into custody",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("reason", codes("termination_reason"))


class AftercareForm(ServiceForm):
    """Treatment after the Order (3.30); saving replaces what was recorded before."""

    treatment_started_on = DatePartsField(
        label="Date treatment started",
        required=False,
        help_text="Leave empty if treatment has not started",
    )
    treatment_setting = forms.ChoiceField(
        label="Where treatment is given",
        required=False,
        choices=[("", "Not given"), *AftercareSetting.choices],
    )
    treatment_intensity = forms.ChoiceField(
        label="Intensity of treatment",
        required=False,
        choices=[("", "Not given"), *AftercareIntensity.choices],
    )
    custody_handover_received_on = DatePartsField(
        label="Date prison drug services received the handover",
        required=False,
    )

    def __init__(self, *args: Any, handed_over: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not handed_over:
            # No handover was sent: there is nothing for the prison to receive.
            del self.fields["custody_handover_received_on"]


class ConvictionForm(ServiceForm):
    """A conviction before the referral (offending before the Order, 3.6-3.7) or since."""

    on = DatePartsField(label="Date of conviction")
    offence_on = DatePartsField(
        label="Date of the offence",
        required=False,
        help_text="Tells an offence committed before the Order from one committed during it",
    )
    offence = forms.CharField(label="Offence", required=False)
    seriousness = forms.ChoiceField(
        label="Seriousness",
        required=False,
        choices=[*Seriousness.choices, ("", "Not known")],
        widget=forms.RadioSelect,
        help_text="How the offence can be tried",
    )
