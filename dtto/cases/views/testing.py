"""Drug tests and their laboratory confirmation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from dtto.accounts import permissions
from dtto.cases import forms, services
from dtto.cases.models import Case, DrugTestResult
from dtto.cases.views.common import again_url, order_or_404, record_page, signed_in, today


@login_required
def test_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        assert isinstance(form, forms.DrugTestForm)
        return services.record_test(order_or_404(case), by=user, **form.service_arguments())

    return record_page(
        request,
        reference,
        what="test",
        form_class=forms.DrugTestForm,
        handler=handle,
        title="Record a drug test",
        done="Drug test recorded",
        initial={"on": today(), "outcome": "sample"},
        template="cases/test_form.html",
        next_url=again_url(request, "cases:test-new"),
    )


@login_required
def confirm_result(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    # Only a positive goes to the laboratory (check_confirmable): for any other result there
    # is nothing to record, so no page.
    result = get_object_or_404(
        DrugTestResult.objects.select_related("test", "substance"),
        pk=pk,
        test__order__case=case,
        result=DrugTestResult.Result.POSITIVE,
    )

    def handle(case: Case, form: forms.ServiceForm) -> object:
        confirmed = form.cleaned_data["confirmed"] == "yes"
        return services.confirm_test_result(
            result,
            by=user,
            confirmed=confirmed,
            loaded_version=form.cleaned_data["loaded_version"],
        )

    return record_page(
        request,
        reference,
        what="test_confirmation",
        form_class=forms.ConfirmResultForm,
        handler=handle,
        title="Record the laboratory result",
        done="Laboratory result recorded",
        initial={"loaded_version": result.version},
        extra={"lead": f"{result.substance.label} positive on {result.test.on:%-d %B %Y}."},
    )
