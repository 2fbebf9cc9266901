"""A small, separate Django project: a real OpenID Connect provider (django-oidc-provider) that
the login tests start in its own process on 127.0.0.1. It stands in for HelseID and ID-porten:
it signs ID tokens with its own RSA key, serves discovery, JWKS, token and userinfo endpoints,
and adds the national claims (pid, HPR number, assurance level) from FORLOP_TEST_OP_CLAIMS.
Never part of Forløp itself."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEBUG = True
SECRET_KEY = "test-provider-only-" + "z" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "forlop.accounts.tests.oidc_op.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["FORLOP_TEST_OP_DB"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
SITE_URL = os.environ["FORLOP_TEST_OP_URL"]
OIDC_IDTOKEN_INCLUDE_CLAIMS = True
OIDC_IDTOKEN_PROCESSING_HOOK = "forlop.accounts.tests.oidc_op.hooks.national_claims"
OIDC_USERINFO = "forlop.accounts.tests.oidc_op.hooks.userinfo"
