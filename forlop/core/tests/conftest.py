"""Fixtures for tests that run Forløp in its own processes (gunicorn, the CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forlop.core.tests import live


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Collected static files for production-like runs (DEBUG off needs the manifest)."""
    root = tmp_path_factory.mktemp("static")
    env = live.production_env("sqlite:///" + str(root / "unused.sqlite3"))
    live.forlop("collectstatic", "--noinput", "-v0", env={**env, "FORLOP_STATIC_ROOT": str(root)})
    return root


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo data, made once per test session."""
    path = tmp_path_factory.mktemp("demo-sqlite") / "demo.sqlite3"
    env = live.production_env(f"sqlite:///{path}")
    live.forlop("migrate", "--noinput", "-v0", env=env)
    live.forlop("demo", env=env)
    live.enrol_totp(env, live.DEMO_USERS)
    return path


@pytest.fixture
def demo_sqlite(demo_sqlite_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database for one test."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_sqlite_template, path)
    return path


@pytest.fixture(scope="session")
def demo_postgres(static_root: Path):
    """A PostgreSQL cluster of its own with the demo data (the tests may stop it and restore
    into it), made once per session: (cluster, production environment)."""
    with live.postgres_cluster() as pg:
        env = live.production_env(
            pg.url, FORLOP_STATIC_ROOT=str(static_root), DATABASE_CONN_MAX_AGE="60"
        )
        live.forlop("migrate", "--noinput", "-v0", env=env)
        live.forlop("demo", env=env)
        live.enrol_totp(env, live.DEMO_USERS)
        yield pg, env
