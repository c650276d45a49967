"""Serve dtto with gunicorn, the production web server, until stopped.

  dtto serve                              on 127.0.0.1:8000, workers sized to this machine
  dtto serve --bind 0.0.0.0:8000 --workers 5

Runs 2 x CPUs + 1 worker processes (gunicorn's own rule of thumb), each with 4 threads
(gunicorn's gthread workers): processes use every core, and threads keep a connection
open between requests and let a slow client or a wait on PostgreSQL hold a thread rather
than a whole process. A request taking longer than --timeout seconds is stopped and its
worker replaced; each worker is replaced after about 1000 requests, bounding any leak.
Access logs go to standard output, all other logs to standard error, one JSON object a
line. Ctrl-C or SIGTERM stops it after the requests in flight (up to 30 seconds).

Refuses to start with the demo secret key unless DTTO_DEBUG is true: set DTTO_SECRET_KEY.
See docs/deploy.md.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication

from dtto.lib.commands import DocstringCommand
from dtto.ops.security import DEMO_KEY_REFUSED, serving_with_demo_key

THREADS_PER_WORKER = 4
GRACEFUL_SECONDS = 30
# Longer than a proxy keeps an idle connection to us (nginx 60 s, most load balancers 60 s):
# the proxy then always closes first, and never sends a request on a connection this server
# closed at the same moment (the resets the load test saw with 5 s and users pausing 2-6 s).
KEEPALIVE_SECONDS = 75


def default_workers() -> int:
    # The CPUs this process may run on (a container's or systemd's CPU set), not the host's.
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cpus or 1) + 1


def gunicorn_options(*, bind: str, workers: int, timeout: int) -> dict[str, Any]:
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "timeout": timeout,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        "max_requests": 1000,
        "max_requests_jitter": 100,
        "accesslog": "-",
        "errorlog": "-",
        "logger_class": "dtto.ops.logs.GunicornJsonLogger",
        # Loaded once before the workers fork: a broken setting stops the server at once.
        "preload_app": True,
        "proc_name": "dtto",
        # gunicorn's control socket sits at one path per user, which two servers (the demo
        # and the tests) would fight over; dtto is managed by signals and its service manager.
        "control_socket_disable": True,
    }


class DttoServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return get_wsgi_application()


class Command(DocstringCommand):
    help = __doc__
    # `dtto demo` passes demo=True: the only way to serve the demo key with DEBUG off.
    stealth_options = ("demo",)
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on (default %(default)s)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default 2 x CPUs + 1 = %(default)s here)",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=60,
            help="seconds a request may take before its worker is replaced (default %(default)s)",
        )

    def handle(self, *args: Any, bind: str, workers: int, timeout: int, **options: Any) -> None:
        if serving_with_demo_key(demo=options.get("demo", False)):
            raise CommandError(DEMO_KEY_REFUSED)
        if workers < 1:
            raise CommandError(f"--workers: expected at least 1, got {workers}")
        if timeout < 1:
            raise CommandError(f"--timeout: expected at least 1 second, got {timeout}")
        self.check(display_num_errors=False)
        # Workers fork from this process: a connection opened before (by the demo's loading)
        # must not be shared between them.
        connections.close_all()
        # Nor may output still buffered here be written again by each worker.
        sys.stdout.flush()
        sys.stderr.flush()
        DttoServer(gunicorn_options(bind=bind, workers=workers, timeout=timeout)).run()
