"""Django settings, read from the environment (see README "Configuration")."""

from __future__ import annotations

import warnings
from pathlib import Path

import dj_database_url
import django_stubs_ext

from dtto.lib.env import envbool, envint, envlist, envstr

# Lets model and admin classes be written with their type parameters (ModelAdmin[Area]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DTTO_DEBUG", False)
# The demo key is only for the local demo; production sets DTTO_SECRET_KEY or _FILE.
SECRET_KEY = envstr("DTTO_SECRET_KEY", "dtto-demo-only-not-secret")
ALLOWED_HOSTS = envlist("DTTO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dtto.accounts",
    "dtto.audit",
    "dtto.cases",
    "dtto.reports",
    "dtto.simulate",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "/"

# Sessions expire after inactivity: case records are sensitive personal data.
SESSION_COOKIE_AGE = envint("DTTO_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("DTTO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("DTTO_LOG_LEVEL", "WARNING")},
}
