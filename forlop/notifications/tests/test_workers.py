"""Two workers at once never send twice (PostgreSQL; real processes, a real SMTP server).

Forty pathways start, and the rule tells each primary contact at once. Worker 1 (`forlop worker
--once`) starts; when the SMTP server has its first message, worker 2 starts too. The SMTP server
holds every later message until worker 2 has claimed an e-mail (a gate, not a delay: on a loaded
machine worker 2's start-up could otherwise outlast worker 1's whole queue), then takes 0.1 s
per message. Both make the same notifications (the unique key keeps one) and both send from the
same queue: each e-mail is claimed by one conditional UPDATE, so every person gets exactly one,
and both workers did send some.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from forlop.core.models import Role
from forlop.notifications import services
from forlop.notifications.models import Delivery, Notification
from forlop.notifications.tests.conftest import Inbox, free_port
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Real processes and a deliberately slow SMTP server (about 20 s): the one such test here.
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("FORLOP_EXPECT_DB") != "postgresql",
        reason="the race is between two PostgreSQL connections in two processes",
    ),
]

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 40


GATE_SECONDS = 150  # the longest a message waits for worker 2 (then the test fails below)


class SlowInbox(Inbox):
    """Takes the first message, then holds the others until ``gate`` opens."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.taken = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.taken += 1
        if self.taken > 1:
            deadline = time.monotonic() + GATE_SECONDS
            while not self.gate.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        return await super().handle_DATA(server, session, envelope)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _worker(name: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "forlop", "worker", "--once", "--worker-id", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_workers_send_each_notification_once(
    municipality: Any, district: Any, make_member: Any, admin_user: Any, start_hph: Any
) -> None:
    assert connection.vendor == "postgresql"
    # given forty patients, each with a primary contact who wants e-mail at once
    services.rule_save(
        actor=admin_user,
        organisation=municipality,
        template_code="hph",
        trigger="pathway_started",
        target="primary_contact",
    )
    started = timezone.now() - timedelta(hours=1)
    for i in range(PEOPLE):
        nurse = make_member(district, Role.PRIMARY_CONTACT, username=f"nurse{i}")
        services.preference_save(
            user=nurse, email_mode="immediately", digest_hour=7, email=f"nurse{i}@example.no"
        )
        patient = PatientFactory(municipality=municipality)
        PatientServiceFactory(patient=patient, unit=district)
        start_hph(patient, district, nurse, at=started, now=started + timedelta(minutes=1))
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "two-workers-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "FORLOP_SECURE": "false",
        "DATABASE_URL": _database_url(),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "FORLOP_BASE_URL": "https://forlop.example.no",
        "DJANGO_EMAIL_TIMEOUT": str(GATE_SECONDS + 60),  # a held message is not a failed one
    }
    try:
        # when worker 1 is sending and worker 2 joins
        first = _worker("w1", env)
        # A bound, not a speed check: a worker's start-up (Django, the schedule) took over 60 s
        # at a load average of 13, and the test then failed with nothing wrong.
        deadline = time.monotonic() + 240
        while not inbox.messages and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)
        assert inbox.messages, first.communicate(timeout=60)[0]
        second = _worker("w2", env)
        deadline = time.monotonic() + GATE_SECONDS
        while time.monotonic() < deadline and second.poll() is None:
            if Delivery.objects.filter(claimed_by="w2").exists():
                break
            time.sleep(0.1)
        inbox.gate.set()
        outputs = [p.communicate(timeout=GATE_SECONDS + 120)[0] for p in (first, second)]
        assert [first.returncode, second.returncode] == [0, 0], outputs
    finally:
        controller.stop()

    # then every person got exactly one e-mail, and both workers sent some
    received = Counter(str(m["To"]) for m in inbox.messages)
    assert received == Counter({f"nurse{i}@example.no": 1 for i in range(PEOPLE)})
    assert Notification.objects.count() == PEOPLE
    assert Delivery.objects.filter(status="sent").count() == PEOPLE
    by_worker = Counter(Delivery.objects.values_list("claimed_by", flat=True))
    assert set(by_worker) == {"w1", "w2"}, (by_worker, outputs)
    assert sum(by_worker.values()) == PEOPLE
