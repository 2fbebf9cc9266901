"""Fixtures of the notification tests: a real SMTP server on 127.0.0.1 (aiosmtpd), the
municipality's own rules for HPH2, and a helper that signs HPH2 through the engine's services."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from forlop.core.models import Role, Unit, User
from forlop.notifications import services
from forlop.notifications.models import NotificationRule, Preference
from forlop.pathways import services as pathway_services
from forlop.pathways.models import StopPoint
from forlop.pathways.tests.factories import oslo


@dataclass
class Inbox:
    """What the SMTP server received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook name)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str, *, weekly: bool = False) -> list[EmailMessage]:
        """The messages to ``address``: notifications, or (``weekly``) the weekly summaries."""
        with self.lock:
            return [m for m in self.messages if address in str(m["To"]) and is_weekly(m) == weekly]

    def bodies(self, address: str, *, weekly: bool = False) -> list[str]:
        return [body(m) for m in self.to(address, weekly=weekly)]

    def reminders(self) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if not is_weekly(m)]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def is_weekly(message: EmailMessage) -> bool:
    return str(message["Subject"]).startswith("Forløp: ukens oppsummering")


def body(message: EmailMessage) -> str:
    return str(message.get_content()).replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.FORLOP_BASE_URL = "https://forlop.example.no"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def admin_user(municipality: Any, make_member: Callable[..., User]) -> User:
    office = Unit.objects.create(
        organisation=municipality, kind=Unit.Kind.ADMINISTRATION, name="Stab", code="testvik-stab"
    )
    return make_member(office, Role.ADMINISTRATOR, username="admin", first_name="Anne")


@pytest.fixture
def hph2_rules(admin_user: User, municipality: Any, hph_version: Any) -> list[NotificationRule]:
    """The municipality's own rules, the defaults' shape for HPH2 only: the day before, when
    overdue, and to the leader two working days later."""
    made = []
    for trigger, target, delay in (
        ("before_due", "owner", 1),
        ("overdue", "owner", 0),
        ("overdue", "unit_leader", 2),
    ):
        made.append(
            services.rule_save(
                actor=admin_user,
                organisation=municipality,
                template_code="hph",
                stop_point_code="HPH2",
                trigger=trigger,
                target=target,
                delay_days=delay,
            )
        )
    return made


def prefer(user: User, mode: str, *, hour: int = 7, email: str = "") -> Preference:
    if not user.email and not email:
        user.email = f"{user.username}@example.no"
        user.save(update_fields=["email"])
    return services.preference_save(user=user, email_mode=mode, digest_hour=hour, email=email)


HPH2_ANSWERS = (
    ("legemiddelliste", True),
    ("funksjon-iplos", True),
    ("fallrisiko", "Lav"),
    ("hva-er-viktig", "Å bo hjemme"),
)


def sign_hph2(stop_point: StopPoint, actor: User, at: Any) -> None:
    revision = stop_point.revision
    for key, value in HPH2_ANSWERS:
        pathway_services.checklist_answer_save(
            actor=actor,
            stop_point=stop_point,
            item_id=stop_point.definition.items.get(key=key).pk,
            value=value,
            expected_revision=revision,
            now=at,
        )
        revision += 1
    pathway_services.stop_point_complete(
        actor=actor, stop_point=stop_point, expected_revision=revision, now=at
    )


# Monday 9 March 2026: home from hospital at 10:00, so HPH2 (3 days) falls due on Thursday 12th.
HOME = oslo(2026, 3, 9, 10)


@pytest.fixture(autouse=True)
def _shipped_rules(request: pytest.FixtureRequest) -> None:
    """The shipped HPH rules come from a data migration. A live-server (transactional) test
    flushes every table when it ends, so a later test on the same worker would find none:
    install them again, as the migration does (idempotent), for every test that uses the
    database. The pure rule tests use none."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"live_server", "transactional_db"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    import_module("forlop.notifications.migrations.0002_hph_local_defaults").install(apps, None)
