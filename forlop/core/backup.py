"""Backup and restore of the whole database (the audit log is part of the patient record).

PostgreSQL: Debian's pg_dump in its custom format, restored with pg_restore in one transaction
(`--clean --if-exists`). SQLite: the online backup API, which copies a consistent snapshot while
the app keeps running, and copies a backup back page by page. The format of a file is known by
its first bytes, so a PostgreSQL dump is never fed to SQLite or the other way round.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} not found: install Debian's postgresql-client")
    return str(candidates[-1])


def _pg_args_env(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-d", settings["NAME"]]
    if settings.get("HOST"):
        args += ["-h", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["-U", str(settings["USER"])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])  # never on the command line
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def backup(output: Path) -> str:
    """Write a backup of the default database to `output`; return its kind."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_args_env(settings)
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(output), *args], env)
        return "postgresql"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite"
    raise BackupError(f"no backup for {connection.vendor}")


def file_kind(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise BackupError("not a Forløp backup (neither a pg_dump file nor a SQLite database)")


def restore(source: Path) -> str:
    """Replace the default database's contents with the backup in `source`."""
    kind = file_kind(source)
    if kind != connection.vendor:
        raise BackupError(f"a {kind} backup cannot be restored into {connection.vendor}")
    settings = connection.settings_dict
    if kind == "postgresql":
        args, env = _pg_args_env(settings)
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
        )
        return kind
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the backup file is damaged (integrity check failed)")
        connection.ensure_connection()
        backup_db.backup(connection.connection)
    finally:
        backup_db.close()
    connection.close()
    return kind
