"""Test settings: the production settings with a test secret, plain static storage and fast hashing."""

import os

os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["FORLOP_SECURE"] = "false"  # the live server speaks plain HTTP
# A slow query or a blocked flush fails the test instead of hanging the run.
os.environ.setdefault("FORLOP_DB_STATEMENT_TIMEOUT", "60")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only in tests
# Most tests log in with force_login or a password and test something else; the second factor
# has its own tests (forlop/accounts/tests/test_totp.py), which turn it on.
FORLOP_PASSWORD_SECOND_FACTOR = "off"  # noqa: S105 - a mode, not a password
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
