"""A background task that crashes is retried and does its work once (issue 11, faults).

Real processes: the django-tasks database backend, its worker (`forlop db_worker --batch`), and
`forlop tasks_retry`. The task is the escalation of overdue emergency-access reviews; its
notification hook fails the first time (the mail server is down), which rolls the escalation
back; the retry escalates and notifies exactly once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from forlop.core.tests import live

pytestmark = pytest.mark.skipif(
    os.environ.get("FORLOP_EXPECT_DB") == "postgresql",
    reason="runs its own processes on a SQLite file; once, in the SQLite pass, is enough",
)

SETUP = """
from datetime import timedelta
from django.utils import timezone
from forlop.core.models import Membership, Organisation, Role, Unit, User
from forlop.patients.models import Patient, PatientService
from forlop.patients import services
from forlop.patients.tests.factories import synthetic_number
org = Organisation.objects.create(kind="municipality", name="Prøvevik", code="provevik", org_number="974760673")
nord = Unit.objects.create(organisation=org, kind="home_care", name="Nord", code="pv-nord")
sor = Unit.objects.create(organisation=org, kind="home_care", name="Sør", code="pv-sor")
nurse = User.objects.create_user(username="nina")
Membership.objects.create(user=nurse, unit=sor, role=Role.PRIMARY_CONTACT)
number = synthetic_number()
p = Patient.objects.create(given_name="A", family_name="B", identity_number=number, id_kind="fnr", synthetic=True, municipality=org)
PatientService.objects.create(patient=p, unit=nord, started_on=timezone.localdate())
services.emergency_access_grant(actor=nurse, patient=p, reason_category="acute_care", reason="Falt, trenger medisinliste", now=timezone.now() - timedelta(days=4))
from forlop.patients.tasks import emergency_access_escalate
print(emergency_access_escalate.enqueue().id)
"""

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from forlop.core.models import AuditEvent
from forlop.patients.models import EmergencyAccess
result = DBTaskResult.objects.get()
print(json.dumps({
    "status": result.status,
    "attempts": len(result.worker_ids),
    "escalated": EmergencyAccess.objects.filter(escalated_at__isnull=False).count(),
    "audit": AuditEvent.objects.filter(verb="emergency.escalated").count(),
}))
"""


def test_a_crashed_task_is_retried_and_does_its_work_once(tmp_path: Path):
    env = live.production_env(
        f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        FORLOP_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        FORLOP_EMERGENCY_ESCALATION_NOTIFIER="forlop.patients.tests.flaky_notifier.notify",
        FORLOP_TEST_NOTIFIER_DIR=str(tmp_path),
    )
    live.forlop("migrate", "--noinput", "-v0", env=env)
    live.forlop("shell", "-c", SETUP, env=env)

    def state() -> dict[str, object]:
        return json.loads(live.forlop("shell", "-c", STATE, env=env).strip().splitlines()[-1])

    def worker() -> None:
        live.forlop("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1", env=env)

    # the first run crashes in the notification: nothing escalated, nothing notified
    worker()
    assert state() == {"status": "FAILED", "attempts": 1, "escalated": 0, "audit": 0}
    assert not (tmp_path / "delivered.log").exists()
    # requeued, the second run does the work
    out = live.forlop("tasks_retry", "--backoff-seconds", "0", env=env)
    assert out.strip() == "1 task(s) to run again"
    worker()
    assert state() == {"status": "SUCCESSFUL", "attempts": 2, "escalated": 1, "audit": 1}
    # and only once: nothing more to retry, and another run changes nothing
    assert live.forlop("tasks_retry", "--backoff-seconds", "0", env=env).strip() == (
        "0 task(s) to run again"
    )
    worker()
    assert state() == {"status": "SUCCESSFUL", "attempts": 2, "escalated": 1, "audit": 1}
    assert (tmp_path / "delivered.log").read_text().count("escalated ") == 1
