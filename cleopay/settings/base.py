"""Django's core: the signing key, hosts, apps, middleware, templates, language and time."""

import os

from django.core.exceptions import ImproperlyConfigured

from cleopay.settings.env import BASE_DIR, DEBUG, env_list

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "cleopay.core",
    "cleopay",
    "accounts",
    "connections",
    "payables",
    "files",
    "approvals",
    "notifications",
    "credits",
    "banking",
    "webhooks",
    "imports",
    "comments",
    "cockpit",
]

MIDDLEWARE = [
    "cleopay.core.requestlog.RequestIdMiddleware",
    "cleopay.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cleopay.middleware.UserTimeZone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.loginguard.LoginGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cleopay.middleware.RefuseNulInUrl",
    "cleopay.middleware.ApiNotFoundAsJson",
]

ROOT_URLCONF = "cleopay.urls"
WSGI_APPLICATION = "cleopay.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# The API's paths are written without a trailing slash, exactly as the product pages name them.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cleopay.context_processors.page_context",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
