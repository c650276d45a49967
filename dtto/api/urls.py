from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from dtto.api.api import api
from dtto.api.problems import not_found, problem_response


# The API takes no cookies, so a post here needs no CSRF token to be told it went nowhere.
@csrf_exempt
def no_such_endpoint(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/: a problem document, as every API refusal is."""
    return problem_response(request, not_found("No such API endpoint."))


urlpatterns = [path("v1/", api.urls), re_path(r"", no_such_endpoint)]
