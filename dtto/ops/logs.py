"""Log lines as one JSON object each, for Django's loggers and gunicorn's.

Each line has ``time`` (UTC), ``level``, ``logger``, ``message``, the ``request_id`` when
written during a request, any extra fields the caller passed, and ``exception`` when there
is one. Query strings are never logged: a search may hold a person's name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

from dtto.ops.request_id import HEADER, current_request_id

# Attributes every LogRecord has; anything else on a record came from ``extra``. Django's
# "request" extra is left out: its text includes the query string.
_NOT_EXTRA = {
    *logging.LogRecord("", 0, "", 0, "", (), None).__dict__,
    "message",
    "asctime",
    "request",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _NOT_EXTRA and not key.startswith("_"):
                line.setdefault(key, value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


class GunicornJsonLogger(GunicornLogger):
    """Gunicorn's error and access logs in the same JSON shape as dtto's own."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "-")
        # The middleware has finished by now, so the id is read from the response it sent.
        request_id = next(
            (value for name, value in resp.headers if name.lower() == HEADER.lower()), None
        )
        self.access_log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "method": method,
                "path": path,
                "status": int(status),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": getattr(resp, "sent", None),
                "remote_addr": environ.get("REMOTE_ADDR"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
                "request_id": request_id,
            },
        )
