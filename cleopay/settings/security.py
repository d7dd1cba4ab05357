"""Who gets in and how often: throttles, the trusted proxies, password guessing, invitations,
password rules, the Content-Security-Policy, HTTPS and cookies."""

import os
from datetime import timedelta

from cleopay.settings.env import DEBUG, env_bool

# --- Throttles and password guessing ------------------------------------------------------------------
THROTTLE_RATE_AUTH = os.environ.get("THROTTLE_RATE_AUTH", "20/min")
THROTTLE_RATE_USER = os.environ.get("THROTTLE_RATE_USER", "6000/min")
# How many proxies in front of the app append to X-Forwarded-For (cleopay.core.clientip): 0 means
# none, the header is ignored and REMOTE_ADDR is the client's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Password guessing (accounts.loginguard): wrong passwords for one account, and requests to the
# login, sign-up and reset forms from one address.
THROTTLE_RATE_PASSWORD_RESET = os.environ.get("THROTTLE_RATE_PASSWORD_RESET", "5/hour")
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "10"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_FAILURE_WINDOW = timedelta(minutes=int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15")))

# --- Invitations and e-mail verification ------------------------------------------------------------
# A member invitation waits this long for its invitee to accept it.
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "14"))
# Member and connection invitations one business may send in 24 hours (spam from our address).
INVITATIONS_PER_BUSINESS_PER_DAY = int(os.environ.get("INVITATIONS_PER_BUSINESS_PER_DAY", "50"))
# The link e-mailed at sign-up proves the address for this long.
EMAIL_VERIFICATION_TTL_DAYS = int(os.environ.get("EMAIL_VERIFICATION_TTL_DAYS", "3"))

# --- Auth, sessions, security ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login"

# Content-Security-Policy on every response (django-csp): scripts, styles, images and frames only
# from this origin, no inline script or style (cleopay.js and cleopay.css carry them all), no
# third party anywhere. A file download sets a stricter policy of its own (files.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes from the load balancer, compose and systemd speak plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
