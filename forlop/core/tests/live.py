"""Helpers for tests that run Forløp as a real server (gunicorn) in its own process, on
127.0.0.1 only, and talk to it over HTTP. Every loop they drive is bounded in count and time."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Forlop-demo-2026"
DEMO_USERS = [
    "sykepleier",
    "sykepleier2",
    "tildeling",
    "fastlege",
    "fastlege2",
    "sykehus",
    "leder",
    "forbedring",
    "koordinator",
    "admin",
    "sykepleier.tonsberg",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like run: DEBUG off, a secret, local hosts."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "FORLOP_", "DATABASE_", "PYTEST_"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="live-test-secret-" + "y" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        FORLOP_SECURE="false",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def totp_key(username: str) -> str:
    """A fixed TOTP key (hex) per test user, so a test can type codes like an app would."""
    return hashlib.sha256(f"totp:{username}".encode()).hexdigest()[:40]


def enrol_totp(env: dict[str, str], usernames: list[str]) -> None:
    """Give these users a confirmed TOTP device with their fixed key (production needs one)."""
    code = (
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "from forlop.core.models import User\n"
        f"for name, key in {[(u, totp_key(u)) for u in usernames]!r}:\n"
        "    TOTPDevice.objects.update_or_create(user=User.objects.get(username=name),"
        " name='test', defaults={'key': key, 'confirmed': True})\n"
    )
    forlop("shell", "-c", code, env=env)


def forlop(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [str(BIN / "forlop"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"forlop {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def gunicorn(
    env: dict[str, str], *, log_path: Path, workers: int = 2, threads: int = 4
) -> Iterator[Server]:
    """gunicorn with the production configuration (config/gunicorn.py) on a free port."""
    port = free_port()
    env = {**env, "FORLOP_BIND": f"127.0.0.1:{port}", "FORLOP_WORKERS": str(workers)}
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(BIN / "gunicorn"),
                "-c",
                "config/gunicorn.py",
                "--threads",
                str(threads),
                "config.wsgi",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(server.url + "/login/", timeout=5).read()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{server.log()}") from exc
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Browser:
    """A minimal HTTP client with cookies and CSRF, like a browser posting forms."""

    base: str
    jar: CookieJar = field(default_factory=CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, path: str, data: dict[str, str] | None = None, timeout: float = 30
    ) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + "/"}
        if data is not None:
            data = {"csrfmiddlewaretoken": self.csrf(), **data}
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", errors="replace")

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        self.request("/login/")
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def log_in(self, username: str, password: str = DEMO_PASSWORD, *, totp: bool = True) -> None:
        """Password, then the TOTP code (production asks for it) from the user's fixed key."""
        status, body = self.request("/login/", {"username": username, "password": password})
        if status != 302:
            raise AssertionError(f"login of {username} gave {status}: {body[:300]}")
        if totp:
            secret = base64.b32encode(bytes.fromhex(totp_key(username))).decode()
            status, body = self.request("/login/totp/", {"token": pyotp.TOTP(secret).now()})
            if status != 302:
                raise AssertionError(f"TOTP of {username} gave {status}: {body[:300]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def links(body: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, body)))


@dataclass
class Postgres:
    """A throw-away PostgreSQL cluster of the test's own (Debian's binaries), which the test
    may stop and start while a server uses it."""

    bin: Path
    data: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"postgres://app:app@127.0.0.1:{self.port}/app"

    def _as_postgres(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        )

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    import shutil
    import tempfile

    pg_bin = postgres_bin()
    if pg_bin is None:
        raise RuntimeError("Debian's postgresql is not installed")
    root = Path(tempfile.mkdtemp(prefix="forlop-pg-"))  # not under /root: postgres must reach it
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Postgres(bin=pg_bin, data=root / "data", port=free_port(), log=root / "log")
    cluster._as_postgres(
        "initdb",
        "-D",
        str(cluster.data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    cluster.start()
    try:
        subprocess.run(  # noqa: S603
            [
                str(pg_bin / "psql"),
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB",
                "-c",
                "CREATE DATABASE app OWNER app",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
