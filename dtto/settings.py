"""Django settings, read from the environment (see README "Configuration")."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import dj_database_url
import django_stubs_ext

from dtto.lib.env import (
    SettingError,
    envbool,
    envchoice,
    envheader,
    envint,
    envlist,
    envorigins,
    envstr,
)

# Lets model and admin classes be written with their type parameters (ModelAdmin[Area]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DTTO_DEBUG", False)
# The demo key is only for the demo, the tests and DEBUG: `dtto serve` and `dtto.wsgi` refuse
# to start with it otherwise (dtto/ops/security.py); production sets DTTO_SECRET_KEY or _FILE.
DEMO_SECRET_KEY = "dtto-demo-only-not-secret"
SECRET_KEY = envstr("DTTO_SECRET_KEY", DEMO_SECRET_KEY)
# The key of the weekly drug test draw (docs/decisions/0009-keyed-test-draw.md). Whoever holds
# it can work out every day a person will be called, so it is kept like SECRET_KEY and is not
# SECRET_KEY: rotating the session key must not make past draws unverifiable. The demo key is
# refused outside DEBUG (dtto/scheduling/services.py), as the demo SECRET_KEY is.
DEMO_TEST_DRAW_KEY = "dtto-demo-test-draw-key-not-secret"
DTTO_TEST_DRAW_KEY = envstr("DTTO_TEST_DRAW_KEY", DEMO_TEST_DRAW_KEY)
ALLOWED_HOSTS = envlist("DTTO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dtto.accounts",
    "dtto.audit",
    "dtto.cases",
    "dtto.events",
    "dtto.reports",
    "dtto.simulate",
    "dtto.ops",
    "dtto.api",
    # For its reference page's scripts and styles, served from static (no CDN).
    "ninja",
    "dtto.scheduling",
]

MIDDLEWARE = [
    # First, so that every log line of the request, even from other middleware, carries its id.
    "dtto.ops.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication: it marks every page for a signed-in user no-store.
    "dtto.ops.security.SecurityHeadersMiddleware",
    # Audits every API request with its client's name; API answers never cached.
    "dtto.api.middleware.ApiRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions signed out elsewhere; holds administrators at the second factor's set-up.
    "dtto.accounts.middleware.SessionAndSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dtto.urls"
WSGI_APPLICATION = "dtto.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dtto" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr(
            "DATABASE_URL",
            f"sqlite:///{envstr('DTTO_SQLITE_PATH', str(BASE_DIR / 'dtto.sqlite3'))}",
        ),
        conn_max_age=envint("DTTO_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait their turn rather than fail with "database is locked" (issue 13,
    # docs/setup.md). Each transaction takes the write lock when it begins (IMMEDIATE), so
    # one that read first never has to upgrade a read lock, which SQLite refuses at once
    # instead of waiting; the timeout is how long a writer waits for the lock. WAL lets pages
    # read while one write is under way, and NORMAL syncs at checkpoints, safe in WAL mode.
    # An in-memory database (the tests') keeps its own journal and ignores the WAL pragma.
    SQLITE_TIMEOUT = envint("DTTO_SQLITE_TIMEOUT", 20)
    if SQLITE_TIMEOUT < 1:
        # Zero would mean never wait: the failures this setting exists to prevent.
        raise SettingError(f"DTTO_SQLITE_TIMEOUT: expected at least 1 second, got {SQLITE_TIMEOUT}")
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "/"
# Checked wherever a password is set: the admin, /accounts/password/, changepassword and
# createsuperuser. The common-password list ships with Django (no network); the messages
# are dtto's own (docs/security.md, "Passwords").
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"dtto.accounts.passwords.{name}"}
    for name in ("LongEnough", "NotLikeTheUsername", "NotCommon", "NotAllNumbers")
]
# dtto's sign-in limits (accounts/signin.py) count wrong codes as they count wrong passwords;
# django-otp's own per-device delay would be a second, differently worded limit.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "dtto"
CSRF_FAILURE_VIEW = "dtto.accounts.views.csrf_failure"

# Sessions expire after inactivity: case records are sensitive personal data. A session is
# saved when it changes, and otherwise at most once a minute to move its expiry on
# (accounts/sessions.py, keep_alive), not on every request.
SESSION_ENGINE = "dtto.accounts.sessions"
SESSION_COOKIE_AGE = envint("DTTO_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("DTTO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Behind HTTPS (docs/deploy.md). HSTS is off until DTTO_HSTS_SECONDS is set; subdomains and
# preload then follow by default, as `check --deploy` expects, and can be turned off.
SECURE_HSTS_SECONDS = envint("DTTO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DTTO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("DTTO_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = envbool("DTTO_SSL_REDIRECT", False)
# Probes call the app directly over plain HTTP; a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# e.g. "X-Forwarded-Proto: https", set only when a proxy always sets (or strips) that header.
SECURE_PROXY_SSL_HEADER = envheader("DTTO_PROXY_SSL_HEADER")
CSRF_TRUSTED_ORIGINS = envorigins("DTTO_CSRF_TRUSTED_ORIGINS")

# Requests a client may make, "N/s", "N/min", "N/hour" or "N/day"; counted per server
# process with the default cache (docs/api.md, "Rate limits").
DTTO_API_RATE = envstr("DTTO_API_RATE", "600/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", DTTO_API_RATE):
    raise SettingError(f"DTTO_API_RATE: expected e.g. 600/min, got {DTTO_API_RATE!r}")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    p for p in [BASE_DIR / "node_modules" / "govuk-frontend" / "dist"] if p.exists()
]
WHITENOISE_USE_FINDERS = True
# Without `collectstatic` (the demo, the tests) WhiteNoise serves from the finders and would
# otherwise warn on every start that STATIC_ROOT is missing.
warnings.filterwarnings("ignore", message="No directory at: ")

LOG_LEVEL = envchoice(
    "DTTO_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
# One JSON object a line on standard error, with the request's id (dtto/ops/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "dtto.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    # Django's own handlers for "django" print plain text when DEBUG is on: send its records
    # to the root handler instead, so every line has the same shape.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
