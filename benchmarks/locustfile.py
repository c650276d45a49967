"""Load test of the pages staff use all day (issue 12, item 5), for Locust.

Not a ``bench_*`` module: ``python -m benchmarks load`` (``benchmarks/bench_load.py``) runs it
in one command (the demo's data, ``dtto serve``, Locust headless, a summary). By hand, against a
server started with ``dtto serve`` on a database loaded with ``dtto demo`` (its logins and
password are the demo's):

    dtto demo --no-serve
    DTTO_SECRET_KEY=... DTTO_TEST_DRAW_KEY=... dtto serve --bind 127.0.0.1:8000 &
    locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000 --headless \\
        --users 200 --spawn-rate 2 --run-time 5m --reset-stats --csv /tmp/dtto-load

Staff are simulated in the proportions of an area's DTTO staff (weights below: case managers
most, then treatment workers, courts and managers), each acting every 2-6 seconds, reading
what they read most: their queue, a case page, the case list, the area's reports. Signing in
(a deliberately slow password hash) is named apart so that it does not count in the pages'
p95; a sign-in that fails, or a page that sends back to the sign-in form, counts as a failure
(both answer 200). Writes are not simulated: every form carries a one-time token, and the pages that
record are the same queries as the case page plus one service call.

``LOCUST_STEPS=1`` replaces the fixed number of users with steps of 20 more users every 60
seconds up to ``--users``: Locust's ``--csv`` history (``*_stats_history.csv``) then shows, for
each step, the requests per second and the 95th percentile, which is where to read the request
rate at which p95 passes 100 ms.
"""

from __future__ import annotations

import os
import random
import re
from typing import Any

from locust import HttpUser, LoadTestShape, between, task

PASSWORD = "demo-password"  # dtto.accounts.services.DEMO_PASSWORD (locust runs outside Django)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CASE_LINK = re.compile(r'href="/cases/([A-Za-z0-9][A-Za-z0-9_-]*)/"')
_NOT_CASES = {"new"}  # /cases/new/ is the referral form, not a case
_SIGNED_OUT = "/accounts/sign-in/"


class Staff(HttpUser):
    abstract = True
    username = ""
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.references: list[str] = []
        page = self.client.get("/accounts/sign-in/", name="sign in (form)")
        found = _CSRF.search(page.text)
        token = found.group(1) if found else ""
        with self.client.post(
            "/accounts/sign-in/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/sign-in/"},
            name="sign in",
            catch_response=True,
        ) as response:
            # A refused sign-in shows the form again with 200: count it as the failure it is,
            # or every page after it would be the sign-in form, counted as a fast success.
            if _SIGNED_OUT in (response.url or ""):
                response.failure(f"{self.username} was not signed in")

    def page(self, path: str, name: str) -> str:
        """GET a page; a redirect to the sign-in form (session lost) counts as a failure."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if _SIGNED_OUT in (response.url or ""):
                response.failure("redirected to the sign-in form")
            return response.text or ""

    def _remember_cases(self, text: str) -> None:
        found = [r for r in _CASE_LINK.findall(text) if r not in _NOT_CASES]
        if found:
            self.references = sorted(set(found))

    def _open_a_case(self) -> None:
        if not self.references:
            self._remember_cases(self.page("/cases/", "/cases/"))
        if self.references:
            reference = random.choice(self.references)
            self.page(f"/cases/{reference}/", "/cases/[reference]/")


class CaseManager(Staff):
    weight = 10
    username = "demo-case-manager"

    @task(4)
    def queue(self) -> None:
        self._remember_cases(self.page("/", "/ (queue)"))

    @task(5)
    def case_page(self) -> None:
        self._open_a_case()

    @task(1)
    def case_list(self) -> None:
        self._remember_cases(self.page("/cases/", "/cases/"))


class TreatmentWorker(Staff):
    weight = 5
    username = "demo-treatment-worker"

    @task(3)
    def queue(self) -> None:
        self._remember_cases(self.page("/", "/ (queue)"))

    @task(4)
    def case_page(self) -> None:
        self._open_a_case()


class Court(Staff):
    weight = 2
    username = "demo-court"

    @task(2)
    def queue(self) -> None:
        self._remember_cases(self.page("/", "/ (queue)"))

    @task(3)
    def case_page(self) -> None:
        self._open_a_case()


class AreaManager(Staff):
    weight = 2
    username = "demo-area-manager"

    @task(2)
    def team_queue(self) -> None:
        self._remember_cases(self.page("/team/", "/team/"))

    @task(1)
    def reports(self) -> None:
        self.page("/reports/", "/reports/")

    @task(1)
    def case_page(self) -> None:
        self._open_a_case()


class Analyst(Staff):
    weight = 1
    username = "demo-analyst"

    @task
    def reports(self) -> None:
        self.page("/reports/", "/reports/")


if os.environ.get("LOCUST_STEPS"):

    class Steps(LoadTestShape):
        """20 more users every 60 seconds, up to the ``--users`` given (default 200)."""

        step_users = 20
        step_seconds = 60

        def tick(self) -> tuple[int, float] | None:
            options: Any = self.runner.environment.parsed_options if self.runner else None
            most = getattr(options, "num_users", None) or 200
            steps = int(self.get_run_time() // self.step_seconds) + 1
            users = steps * self.step_users
            if users > most + self.step_users:
                return None
            return min(users, most), self.step_users
