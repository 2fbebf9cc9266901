"""Forløp settings: one module, driven by the environment (see .env.example and docs/operations.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)


def get_mandatory_secret(name: str, *, dev_default: str) -> str:
    """A secret must come from the environment unless we run in DEBUG (Zulip's rule)."""
    value = os.environ.get(name)
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is false")


SECRET_KEY = get_mandatory_secret(
    "DJANGO_SECRET_KEY", dev_default="dev-only-insecure-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default="127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "forlop.core",
    "forlop.accounts",
    "forlop.patients",
    "forlop.pathways",
    "forlop.authoring",
    "forlop.goals",
    "forlop.portal",
    "forlop.measures",
    "forlop.improvement",
    "forlop.notifications",
    "forlop.interop",
    "forlop.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses a NUL byte in the query string before anything uses it (issue 11, defect 7).
    "forlop.core.middleware.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "forlop.accounts.middleware.SecondFactorMiddleware",
    "forlop.portal.boundary.PortalBoundaryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form sent twice (double click, retry) is handled once (issue 11, defect 8).
    "forlop.core.submit_once.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "forlop.core.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "forlop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": [
                "template_partials.templatetags.partials",
                "forlop.core.templatetags.submit_once",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "forlop.core.context_processors.navigation",
                "forlop.accounts.context_processors.second_factor",
                "forlop.pathways.context_processors.worklist_counts",
                "forlop.notifications.context_processors.bell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Health checks: a connection that broke (the database restarted) is replaced before a request
# uses it, instead of failing that request; matters with DATABASE_CONN_MAX_AGE > 0.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database serving several nurses at once (issue 11, defect 8):
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock when a
    # transaction starts, so two transactions never deadlock upgrading a read lock (which
    # SQLite answers at once with "database is locked", whatever the timeout); the busy timeout
    # makes the second writer wait its turn instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("FORLOP_SQLITE_BUSY_TIMEOUT", "20")),
        }
    )
    # The running-pathway index covers two columns on PostgreSQL (INCLUDE, for the work
    # list's index-only probes); SQLite builds it on its key alone, which is what it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# On PostgreSQL, a query that runs away is stopped instead of holding locks: set in seconds.
_statement_timeout = os.environ.get("FORLOP_DB_STATEMENT_TIMEOUT", "")
_pg_options: list[str] = []
if _statement_timeout:
    _pg_options.append(
        f"-c statement_timeout={int(_statement_timeout)}s -c lock_timeout={int(_statement_timeout)}s"
    )
# PostgreSQL's JIT compiler off (FORLOP_DB_JIT=on keeps it): the measures' correlated subqueries
# make the planner's cost estimate large, so JIT compiled every measure query with inlining and
# optimisation, and compiling took 4.8 s of the 6.2 s the 3-of-4 measure for ten
# municipalities ran at 40,000 patients (EXPLAIN ANALYZE; docs/benchmarks.md). No query of
# this application scans enough rows for compiled expressions to pay that back.
if os.environ.get("FORLOP_DB_JIT", "off").lower() != "on":
    _pg_options.append("-c jit=off")
if _pg_options and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_pg_options)
# A read replica (a PostgreSQL streaming standby of the primary), optional: the measures'
# dashboards, charts, exports and CLI and the leaders' figures read there; every write, audit
# row, patient read and migration stays on "default" (forlop/core/dbrouter.py). Parsed like
# DATABASE_URL, with the same timeouts and JIT setting, and read-only at the session level as
# well: pointed at the primary by mistake, it still writes nothing. Unset: one database.
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))
    )
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = " ".join(
            [*_pg_options, "-c default_transaction_read_only=on"]
        )
    elif DATABASES["replica"]["ENGINE"].endswith("sqlite3"):
        DATABASES["replica"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA query_only=ON;"
DATABASE_ROUTERS = ["forlop.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "forlop.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [Path(os.environ.get("FORLOP_LOCALE_DIR", BASE_DIR / "locale"))]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Oslo"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("FORLOP_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Sessions: short-lived, closed with the browser: shared tablets in patients' homes.
# Caches: each process's memory only. "panels" holds the goals headers of the work list's
# cards (forlop.goals.selectors.goals_headers_for), keyed by each patient's panel_version, so it
# is never stale and needs no shared server; it holds goal texts, so it stays in the process
# (docs/security.md). About 2 kB an entry: 20,000 entries, some 40 MB a process at most.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "panels": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "forlop-panels",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("FORLOP_PANEL_CACHE_ENTRIES", "20000"))},
    },
}
SESSION_COOKIE_AGE = int(os.environ.get("FORLOP_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "forlop.core.views.csrf_failure"

SECURE = env_bool("FORLOP_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000" if SECURE else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FORLOP_BEHIND_PROXY", default=False) else None
)
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "FORLOP_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}


# National login (OpenID Connect, forlop/accounts/oidc.py): each provider is on only when its
# issuer and client id are set. HelseID for staff, ID-porten for patients and next of kin.
def _oidc(prefix: str, *, scope: str, pid_claim: str, hpr_claim: str = "", acr: str = "") -> dict:
    return {
        "issuer": os.environ.get(f"{prefix}_ISSUER", ""),
        "client_id": os.environ.get(f"{prefix}_CLIENT_ID", ""),
        "client_secret": os.environ.get(f"{prefix}_CLIENT_SECRET", ""),
        "private_key_file": os.environ.get(f"{prefix}_PRIVATE_KEY_FILE", ""),
        "scope": os.environ.get(f"{prefix}_SCOPES", scope),
        "pid_claim": os.environ.get(f"{prefix}_PID_CLAIM", pid_claim),
        "hpr_claim": os.environ.get(f"{prefix}_HPR_CLAIM", hpr_claim),
        "acr_values": os.environ.get(f"{prefix}_ACR_VALUES", acr),
    }


FORLOP_OIDC = {
    "helseid": _oidc(
        "FORLOP_HELSEID",
        scope="openid profile helseid://scopes/identity/pid helseid://scopes/hpr/hpr_number",
        pid_claim="helseid://claims/identity/pid",
        hpr_claim="helseid://claims/hpr/hpr_number",
    ),
    "idporten": _oidc(
        "FORLOP_IDPORTEN", scope="openid profile", pid_claim="pid", acr="idporten-loa-high"
    ),
}
# The HMAC key of the audit log's hash chain (core/audit.py). Keep it outside the database, so
# someone who can edit the database cannot forge a consistent chain.
FORLOP_AUDIT_KEY = os.environ.get("FORLOP_AUDIT_KEY") or f"audit:{SECRET_KEY}"
# The HMAC key under which national identity numbers from a login are recognised (never stored).
FORLOP_IDENTITY_KEY = os.environ.get("FORLOP_IDENTITY_KEY") or f"identity:{SECRET_KEY}"
# Password login: on by default; an installation with HelseID and ID-porten may turn it off.
FORLOP_PASSWORD_LOGIN = env_bool("FORLOP_PASSWORD_LOGIN", default=True)
# A password login needs a TOTP code as its second factor (django-otp). "off" only with DEBUG:
# the local demo (`make run`), so its demo users log in with the documented password alone.
FORLOP_PASSWORD_SECOND_FACTOR = os.environ.get(
    "FORLOP_PASSWORD_SECOND_FACTOR", "off" if DEBUG else "totp"
)
if FORLOP_PASSWORD_SECOND_FACTOR not in {"totp", "off"} or (
    FORLOP_PASSWORD_SECOND_FACTOR == "off" and not DEBUG  # noqa: S105 - a mode, not a password
):
    raise ImproperlyConfigured(
        "FORLOP_PASSWORD_SECOND_FACTOR must be 'totp' (or 'off', only with DJANGO_DEBUG=true)"
    )
OTP_TOTP_ISSUER = "Forløp"

# Login throttling (django-axes): a policy per account and per address. After
# FORLOP_LOGIN_FAILURE_LIMIT failed logins for one username (from anywhere), or from one address
# (for any usernames), that account or address is refused for FORLOP_LOGIN_COOLOFF_MINUTES,
# the right password included. A success resets the count. Behind a reverse proxy the client
# address comes from X-Forwarded-For (one proxy).
AXES_FAILURE_LIMIT = int(os.environ.get("FORLOP_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FORLOP_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = True  # operators see and clear lockouts in /admin/ (no patient data)
AXES_VERBOSE = False
if env_bool("FORLOP_BEHIND_PROXY", default=False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Forløp's own settings
FORLOP_EMERGENCY_ACCESS_HOURS = int(os.environ.get("FORLOP_EMERGENCY_ACCESS_HOURS", "4"))
# Unreviewed emergency access older than this is escalated to every leader of the data controller.
FORLOP_EMERGENCY_REVIEW_HOURS = int(os.environ.get("FORLOP_EMERGENCY_REVIEW_HOURS", "72"))
# The hook for telling people about escalated emergency access (a dotted path to a function
# taking the list of grants; empty: none). Called inside the escalation's transaction, so a
# failed notification rolls the escalation back and the task's retry does both once.
FORLOP_EMERGENCY_ESCALATION_NOTIFIER = os.environ.get("FORLOP_EMERGENCY_ESCALATION_NOTIFIER", "")
FORLOP_SUPPRESS_BELOW = int(os.environ.get("FORLOP_SUPPRESS_BELOW", "5"))
# The measures dashboards read the maintained rollup when it was refreshed at most this many
# seconds ago (0: always compute live); docs/operations.md.
FORLOP_MEASURES_ROLLUP_MAX_AGE = int(os.environ.get("FORLOP_MEASURES_ROLLUP_MAX_AGE", "900"))
# Largest upload (imports); enforced while the body arrives (forlop/core/uploads.py).
FORLOP_MAX_UPLOAD_BYTES = int(os.environ.get("FORLOP_MAX_UPLOAD_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "forlop.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# E-mail (notifications: counts and a link only, never health data; docs/operations.md).
# Django's SMTP backend, configured from the environment (the console under DEBUG).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Forløp <forlop@localhost>")
# The address users reach Forløp at, for the links in e-mails and calendar feeds.
FORLOP_BASE_URL = os.environ.get("FORLOP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Interoperability (docs/interop.md). Access tokens for system clients live this long.
FORLOP_FHIR_TOKEN_SECONDS = int(os.environ.get("FORLOP_FHIR_TOKEN_SECONDS", "300"))
# Largest FHIR request body; a larger one gets 413 without being read.
FORLOP_FHIR_MAX_BODY = int(os.environ.get("FORLOP_FHIR_MAX_BODY", str(2 * 1024 * 1024)))
# Where $export writes its NDJSON files (kept until the client deletes the job).
FORLOP_BULK_DIR = Path(os.environ.get("FORLOP_BULK_DIR", BASE_DIR / "var" / "bulk"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every handler scrubs identity numbers from messages and tracebacks (forlop/core/logging.py).
    "filters": {"identity_numbers": {"()": "forlop.core.logging.IdentityNumberFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["identity_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("FORLOP_LOG_LEVEL", "INFO")},
    # The request logger would print full URLs and bodies of failing requests; our URLs carry
    # only opaque primary keys, but keep it at WARNING so query strings are not logged.
    # Django's own defaults would add unfiltered handlers (console under DEBUG, runserver's
    # access log, mail to ADMINS with the request): route everything through the filtered one.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts; not every successful login
        # PDF rendering (posters) logs each step at INFO; only problems are worth a line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
