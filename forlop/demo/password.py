"""The one password of every demo user (documented in the README; demo data only)."""

DEMO_PASSWORD = "Forlop-demo-2026"  # noqa: S105 - documented demo password, demo data only
