"""Backup and restore (issue 11): `forlop backup -o FILE` and `forlop restore FILE`, as a round
trip on the demo data, on SQLite (the online backup API) and on PostgreSQL (pg_dump and
pg_restore), compared by a hash of the whole database's content."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from forlop.core.tests import live

CHANGE = (
    "from forlop.core.models import Organisation; "
    "Organisation.objects.create(kind='municipality', name='Etter backup', code='etter', "
    "org_number='974760673')"
)


def content_hash(env: dict[str, str]) -> str:
    """Every row of every table Django knows, in primary-key order."""
    dump = live.forlop("dumpdata", "--all", "--indent", "0", "-v0", env=env)
    assert len(dump) > 10_000  # the demo data, not an empty database
    return hashlib.sha256(dump.encode()).hexdigest()


def round_trip(env: dict[str, str], tmp_path: Path, kind: str) -> None:
    before = content_hash(env)
    backup_file = tmp_path / f"forlop.{kind}.backup"
    out = live.forlop("backup", "-o", str(backup_file), env=env)
    assert out.startswith(f"{kind} backup written to {backup_file}")
    assert oct(backup_file.stat().st_mode & 0o777) == "0o600"
    # a later change, which the restore must undo
    live.forlop("shell", "-c", CHANGE, env=env)
    assert content_hash(env) != before
    out = live.forlop("restore", str(backup_file), "--noinput", env=env)
    assert f"{kind} backup {backup_file} restored" in out
    assert content_hash(env) == before
    assert "audit chain intact" in live.forlop("audit_verify", env=env)


@pytest.mark.skipif(
    os.environ.get("FORLOP_EXPECT_DB") == "postgresql", reason="the SQLite pass runs it"
)
def test_sqlite_backup_and_restore_round_trip(demo_sqlite: Path, tmp_path: Path):
    round_trip(live.production_env(f"sqlite:///{demo_sqlite}"), tmp_path, "sqlite")


@pytest.mark.skipif(
    os.environ.get("FORLOP_EXPECT_DB") != "postgresql" or live.postgres_bin() is None,
    reason="the PostgreSQL pass runs it",
)
def test_postgresql_backup_and_restore_round_trip(demo_postgres, tmp_path: Path):
    _, env = demo_postgres
    round_trip(env, tmp_path, "postgresql")


def test_a_backup_of_the_wrong_kind_is_refused(tmp_path: Path):
    env = live.production_env(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # refused before use
    fake = tmp_path / "fake.backup"
    fake.write_bytes(b"PGDMP\x01\x0e\x00 not really")
    with pytest.raises(RuntimeError, match="a postgresql backup cannot be restored into sqlite"):
        live.forlop("restore", str(fake), "--noinput", env=env)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"hello")
    with pytest.raises(RuntimeError, match="not a Forløp backup"):
        live.forlop("restore", str(junk), "--noinput", env=env)
