"""Load test: nurses opening work lists and filling checklists, leaders opening dashboards.

Run by bench/load/run.sh against gunicorn and PostgreSQL on 127.0.0.1 (never another host),
bounded in time (--run-time) and in count (FORLOP_LOAD_MAX_REQUESTS, then the run stops).
Each virtual user is its own Forløp user (load-nurse-N, load-leader-N), logging in with the
password and a TOTP code, as production asks.
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
import re
from urllib.parse import urlsplit

import pyotp
from locust import HttpUser, between, events, task

PASSWORD = "Forlop-demo-2026"  # noqa: S105 - the documented demo password
MAX_REQUESTS = int(os.environ.get("FORLOP_LOAD_MAX_REQUESTS", "20000"))
_state: dict[str, object] = {"n": 0, "environment": None}
_ids = {"nurse": 0, "leader": 0}


@events.init.add_listener
def _only_loopback(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to load-test {host}: 127.0.0.1 only")
    _state["environment"] = environment


@events.request.add_listener
def _bounded(**kwargs):
    _state["n"] = int(_state["n"]) + 1  # type: ignore[call-overload]
    environment = _state["environment"]
    if _state["n"] == MAX_REQUESTS and environment is not None and environment.runner:
        environment.runner.quit()  # the count bound; --run-time is the time bound


def totp_now(username: str) -> str:
    key = hashlib.sha256(f"totp:{username}".encode()).hexdigest()[:40]
    return pyotp.TOTP(base64.b32encode(bytes.fromhex(key)).decode()).now()


class ForlopUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    kind = "nurse"

    def on_start(self) -> None:
        _ids[self.kind] += 1
        self.username = f"load-{self.kind}-{_ids[self.kind]}"
        self.client.get("/login/", name="login page")
        self.post("/login/", {"username": self.username, "password": PASSWORD}, name="login")
        self.post("/login/totp/", {"token": totp_now(self.username)}, name="login: TOTP code")

    def post(self, path: str, data: dict[str, str], *, name: str, ok=(200, 302)):
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": self.host + "/"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in ok:
                response.success()
            else:
                response.failure(f"{response.status_code}")
            return response


class Nurse(ForlopUser):
    weight = 4
    kind = "nurse"

    @task(3)
    def worklist(self) -> None:
        self.client.get("/pathways/worklist/", name="work list")

    @task(2)
    def fill_checklist(self) -> None:
        page = self.client.get("/pathways/worklist/", name="work list").text
        stop_points = sorted(set(re.findall(r'href="/pathways/stop-points/(\d+)/"', page)))
        if not stop_points:
            return
        sp = random.choice(stop_points)
        detail = self.client.get(f"/pathways/stop-points/{sp}/", name="checklist").text
        rows = re.findall(
            r'action="(/pathways/stop-points/\d+/items/(\d+)/)".*?name="expected_revision"[^>]*value="(\d+)"'
            r'.*?<input type="(text|number|radio)" name="item-\2-value"(?: value="([^"]*)")?',
            detail,
            flags=re.DOTALL,
        )
        if not rows:
            return
        action, item, revision, kind, value = random.choice(rows)
        answer = {"text": "Sjekket av hjemmesykepleien", "number": "1"}.get(kind, value)
        # 409 is the checklist's optimistic concurrency at work (two nurses, one list): not an error
        self.post(
            action,
            {"expected_revision": revision, f"item-{item}-value": answer},
            name="checklist answer",
            ok=(200, 302, 409),
        )

    @task(1)
    def patient_page(self) -> None:
        page = self.client.get("/patients/", name="patient list").text
        patients = re.findall(r'href="/patients/(\d+)/"', page)
        if patients:
            self.client.get(f"/patients/{random.choice(patients)}/", name="patient page")

    @task(1)
    def search(self) -> None:
        self.post(
            "/patients/search/",
            {"q": random.choice(["Ha", "Ol", "Be"])},
            name="name search",
            ok=(200,),
        )


class Leader(ForlopUser):
    weight = 1
    kind = "leader"

    @task(2)
    def leaders_view(self) -> None:
        self.client.get("/pathways/leaders/", name="leaders' view")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/measures/municipality/horten/", name="measures dashboard")

    @task(1)
    def emergency_review(self) -> None:
        self.client.get("/patients/audit/emergency/", name="emergency review")

    @task(1)
    def audit_log(self) -> None:
        self.client.get("/patients/audit/", name="audit log")
