"""Test settings: the production settings with a test secret, plain static storage and fast hashing."""

import os
import tempfile
from pathlib import Path

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

# SQLite tests use a database file, not memory. With an in-memory database Django hands the live
# server's threads the test thread's one connection, and two requests at once from Chromium (an
# htmx preview beside a page load) collided on it: "cannot open savepoint - SQL statements in
# progress", a 500 in a browser test, more often on a busy machine. With a file each thread has
# its own connection; WAL lets readers and the writer go on together, and synchronous=OFF skips
# the fsyncs (a throw-away database). pytest-django adds a suffix per xdist worker and deletes the
# file after the run; make test-fast names a fixed file (FORLOP_TEST_SQLITE_FILE) to --reuse-db it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _test_file = os.environ.get("FORLOP_TEST_SQLITE_FILE") or str(
        Path(tempfile.gettempdir()) / f"forlop-test-{os.getpid()}.sqlite3"
    )
    DATABASES["default"]["TEST"] = {"NAME": _test_file}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"
    )

# A read replica in the environment (DATABASE_REPLICA_URL) is a test mirror of default: no test
# database of its own, and a second connection to default's test database, so tests see the
# same rows. Django's mirror takes only the database's NAME from default, so the connection
# details are default's too (whatever the URL said), in a read-only session as on a standby.
# Reads routed there (forlop/core/dbrouter.py) see committed rows only, so a test that checks
# them is transactional (forlop/measures/tests/test_replica.py); inside a test's transaction
# the router keeps every read on default. Unset (CI): one database, as before.
if "replica" in DATABASES:  # noqa: F405
    _replica = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
    _replica_options = dict(_replica.get("OPTIONS", {}))
    if _replica["ENGINE"].endswith("postgresql"):
        _replica_options["options"] = (
            f"{_replica_options.get('options', '')} -c default_transaction_read_only=on"
        )
    else:
        _replica_options.pop("transaction_mode", None)
        _replica_options["init_command"] = (
            f"{_replica_options.get('init_command', '')}; PRAGMA query_only=ON"
        )
    _replica["OPTIONS"] = _replica_options
    DATABASES["replica"] = _replica  # noqa: F405
