"""The reminders arrive, once, through a real SMTP server on 127.0.0.1, with the clock moved.

The scheduler is run as cron would run it (``forlop notify``) several times at each moment:
each reminder still arrives exactly once. No e-mail carries a name, an identity number, a
stop-point code or anything else but counts and links.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from forlop.core.models import User
from forlop.notifications.models import Delivery, Notification
from forlop.notifications.tests.conftest import HOME, Inbox, prefer, sign_hph2
from forlop.pathways.models import Pathway, StopPoint
from forlop.pathways.tests.factories import oslo

pytestmark = pytest.mark.django_db


def notify_at(when: Any, times: int = 2) -> None:
    """Run the scheduler ``times`` times at ``when`` (cron may overlap; nothing doubles)."""
    with time_machine.travel(when, tick=False):
        for _ in range(times):
            call_command("notify", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


@pytest.fixture
def pathway(start_hph: Callable[..., Pathway], patient: Any, district: Any, nurse: User) -> Pathway:
    return start_hph(patient, district, nurse, at=HOME, now=HOME)


def hph2(pathway: Pathway) -> StopPoint:
    return pathway.stop_points.select_related("definition").get(definition__code="HPH2")


def assert_no_health_data(inbox: Inbox, patient: Any) -> None:
    for message in inbox.messages:
        text = f"{message['Subject']}\n{message.get_content()}"
        for secret in (patient.given_name, patient.family_name, patient.identity_number, "HPH"):
            assert secret not in text


def test_day_before_overdue_and_escalation_each_arrive_once(
    smtp: Inbox, hph2_rules: Any, pathway: Pathway, nurse: User, leader: User, patient: Any
) -> None:
    # given HPH2 due on Thursday 12 March; the nurse and the leader want e-mail at once
    sp = hph2(pathway)
    assert sp.due_all_day is True
    assert sp.due_at == oslo(2026, 3, 12)
    prefer(nurse, "immediately")
    prefer(leader, "immediately")

    # when the scheduler runs before the day-before reminder is due: nothing
    notify_at(oslo(2026, 3, 11, 6, 59))
    assert smtp.reminders() == []
    # the day before, at the start of the working day: one e-mail to the nurse
    notify_at(oslo(2026, 3, 11, 7, 0))
    notify_at(oslo(2026, 3, 11, 12, 0))
    assert smtp.bodies(nurse.email) == [
        "Nytt fra Forløp.\n\n- 1 stoppunkt forfaller snart\n\n"
        "Åpne Forløp for å se dem: https://forlop.example.no/notifications/\n\n"
        "E-posten inneholder ingen helseopplysninger. Endre hvordan du blir varslet: "
        "https://forlop.example.no/notifications/settings/\n"
    ]
    assert str(smtp.to(nurse.email)[0]["Subject"]) == "Forløp: 1 nytt varsel"

    # the deadline passes at midnight; the overdue reminder comes on Friday at 07:00, once
    notify_at(oslo(2026, 3, 13, 0, 30))
    assert len(smtp.to(nurse.email)) == 1
    notify_at(oslo(2026, 3, 13, 7, 0))
    notify_at(oslo(2026, 3, 13, 16, 0))
    nurse_mail = smtp.bodies(nurse.email)
    assert len(nurse_mail) == 2
    assert "- 1 stoppunkt er forfalt\n" in nurse_mail[1]

    # two working days later (Saturday and Sunday do not count): the leader, on Tuesday
    notify_at(oslo(2026, 3, 16, 12, 0))
    assert smtp.to(leader.email) == []
    notify_at(oslo(2026, 3, 17, 7, 0))
    notify_at(oslo(2026, 3, 18, 7, 0))
    leader_mail = smtp.bodies(leader.email)
    assert len(leader_mail) == 1
    assert "- 1 forfalt stoppunkt i enheten din trenger oppfølging\n" in leader_mail[0]

    # then exactly three reminders in all, three notifications, and none about the patient;
    # the leader also got the week's summary, once, on Monday 16 March
    assert len(smtp.reminders()) == 3
    assert len(smtp.to(nurse.email)) == 2
    weekly = smtp.to(leader.email, weekly=True)
    assert [str(m["Subject"]) for m in weekly] == ["Forløp: ukens oppsummering (2026-W11)"]
    assert Notification.objects.count() == 3
    assert list(Delivery.objects.order_by().values_list("status", flat=True).distinct()) == ["sent"]
    assert Delivery.objects.count() == 4  # three reminders and one weekly summary
    assert_no_health_data(smtp, patient)


def test_no_email_means_none_and_the_bell_still_rings(
    smtp: Inbox, hph2_rules: Any, pathway: Pathway, nurse: User, leader: User
) -> None:
    # given the nurse wants no e-mail and the leader e-mail at once
    prefer(nurse, "none")
    prefer(leader, "immediately")

    # when the day-before and the overdue reminders fall due, and the scheduler runs
    notify_at(oslo(2026, 3, 11, 7, 0))
    notify_at(oslo(2026, 3, 13, 7, 0))

    # then the nurse has both in Forløp, and not one e-mail
    assert Notification.objects.filter(recipient=nurse).count() == 2
    assert smtp.to(nurse.email) == []
    assert not Delivery.objects.filter(recipient=nurse).exists()


def test_a_completed_stop_point_cancels_what_is_pending(
    smtp: Inbox, hph2_rules: Any, pathway: Pathway, nurse: User, leader: User, patient: Any
) -> None:
    # given the day-before reminder made at 07:00, waiting for the nurse's digest at 15:00
    sp = hph2(pathway)
    prefer(nurse, "digest", hour=15)
    prefer(leader, "immediately")
    notify_at(oslo(2026, 3, 11, 7, 0))
    reminder = Notification.objects.get()
    assert reminder.trigger == "before_due"
    assert reminder.delivery is not None
    assert reminder.delivery.status == "pending"
    assert smtp.messages == []

    # when the nurse signs HPH2 at 10:00
    sign_hph2(sp, nurse, oslo(2026, 3, 11, 10, 0))

    # then the digest is not sent, and no overdue reminder or escalation ever comes
    notify_at(oslo(2026, 3, 11, 15, 0))
    notify_at(oslo(2026, 3, 13, 7, 0))
    notify_at(oslo(2026, 3, 17, 7, 0))
    assert smtp.reminders() == []
    reminder.refresh_from_db()
    assert reminder.cancelled_at == oslo(2026, 3, 11, 15, 0)
    assert Notification.objects.count() == 1
    assert list(Delivery.objects.exclude(kind="weekly").values_list("status", flat=True)) == [
        "cancelled"
    ]


def test_a_holiday_moves_the_digest(
    smtp: Inbox,
    admin_user: User,
    municipality: Any,
    hph_version: Any,
    start_hph: Callable[..., Pathway],
    patient: Any,
    district: Any,
    nurse: User,
) -> None:
    # given a reminder the day before HPH2 falls due on Tuesday 7 April 2026, the day after
    # Easter Monday: the day before that is Wednesday 1 April (Maundy Thursday, Good Friday
    # and Easter Monday are holidays); the nurse reads a digest at 08:00
    from forlop.notifications import services

    services.rule_save(
        actor=admin_user,
        organisation=municipality,
        template_code="hph",
        stop_point_code="HPH2",
        trigger="before_due",
        target="owner",
        delay_days=1,
    )
    home = oslo(2026, 4, 4, 11)  # Easter Saturday
    start_hph(patient, district, nurse, at=home, now=home)
    prefer(nurse, "digest", hour=8)

    # when the reminder is made on Wednesday 1 April after 08:00 (the digest hour has passed)
    notify_at(oslo(2026, 4, 1, 9, 0))
    assert Notification.objects.get().fire_at == oslo(2026, 4, 1, 7, 0)
    # then no digest on Maundy Thursday, Good Friday, the weekend or Easter Monday
    for day in (2, 3, 4, 5, 6):
        notify_at(oslo(2026, 4, day, 8, 0))
    assert smtp.messages == []
    # but on Tuesday 7 April at 08:00
    notify_at(oslo(2026, 4, 7, 8, 0))
    assert len(smtp.to(nurse.email)) == 1
    body = smtp.bodies(nurse.email)[0]
    assert body.startswith("Dagens oppsummering fra Forløp.\n\n- 1 stoppunkt forfaller snart\n")
    assert Delivery.objects.get().scheduled_for == oslo(2026, 4, 7, 8, 0)


def test_a_failed_send_is_retried_with_backoff_then_shown_to_administrators(
    settings: Any,
    hph2_rules: Any,
    pathway: Pathway,
    nurse: User,
    admin_user: User,
    client: Any,
) -> None:
    # given an SMTP server that is down (nothing listens on the port)
    from forlop.notifications.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    prefer(nurse, "immediately")

    # when the day-before reminder is due and the send fails
    notify_at(oslo(2026, 3, 11, 7, 0), times=1)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at == oslo(2026, 3, 11, 7, 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")
    # then it is tried after 1, 5, 30 and 120 minutes, and not before
    notify_at(oslo(2026, 3, 11, 7, 0) + timedelta(seconds=30), times=1)
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    for minute_after in (1, 6, 36, 156):
        notify_at(oslo(2026, 3, 11, 7, 0) + timedelta(minutes=minute_after), times=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    # and the administrator sees it
    client.force_login(admin_user)
    response = client.get("/notifications/failed/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="attention-row"') == 1
    client.force_login(nurse)
    assert client.get("/notifications/failed/").status_code == 403
