"""The one password of every demo user (documented in the README; demo data only)."""

from functools import cache

from django.contrib.auth.hashers import make_password

DEMO_PASSWORD = "Forlop-demo-2026"  # noqa: S105 - documented demo password, demo data only


@cache
def demo_password_hash() -> str:
    """The demo password hashed once per process, for every demo user.

    Argon2 is slow on purpose (about a quarter of a second per hash on our 2-core machines), and the
    demo has a dozen users: hashing the one published password a dozen times made every
    `forlop demo` (and each test that loads it in its own process) seconds slower for nothing.
    The users share one salt, which costs nothing here: the password is in the README."""
    return make_password(DEMO_PASSWORD)
