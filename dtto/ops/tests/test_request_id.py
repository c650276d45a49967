"""Each request has an id: taken or made, sent back, and on every log line written for it."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator

import pytest
from django.test import Client

from dtto.ops.logs import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """What Django's request logger writes, through dtto's formatter."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


def test_an_offered_request_id_is_sent_back() -> None:
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-2026-12-01.42"})
    assert response["X-Request-ID"] == "lb-2026-12-01.42"


def test_a_request_without_an_id_gets_a_new_one_each_time() -> None:
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_an_offered_id_that_could_forge_a_log_line_is_replaced() -> None:
    forged = 'x", "level": "CRITICAL'
    response = Client().get("/healthz", headers={"X-Request-ID": forged})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_log_line_is_one_json_object_with_the_request_id(request_log: io.StringIO) -> None:
    Client().get("/no-such-page/", headers={"X-Request-ID": "lost-1"})
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert set(line) == {"time", "level", "logger", "message", "request_id", "status_code"}
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["request_id"] == "lost-1"
    assert line["status_code"] == 404
    assert line["time"].endswith("+00:00")


def test_an_exception_is_kept_on_its_one_line() -> None:
    try:
        raise ValueError("duration: expected 6 to 36 months")
    except ValueError:
        record = logging.LogRecord(
            "dtto", logging.ERROR, __file__, 1, "import failed", (), sys.exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: duration: expected 6 to 36 months" in json.loads(text)["exception"]


def test_the_settings_send_every_log_line_through_the_json_formatter() -> None:
    formatters = [handler.formatter for handler in logging.getLogger().handlers]
    assert any(isinstance(formatter, JsonFormatter) for formatter in formatters)
    assert logging.getLogger("django").handlers == []


def test_a_line_logged_after_the_request_has_no_request_id() -> None:
    Client().get("/healthz", headers={"X-Request-ID": "done-1"})
    record = logging.LogRecord("dtto", logging.INFO, __file__, 1, "nightly refresh", (), None)
    assert "request_id" not in json.loads(JsonFormatter().format(record))
