"""How a notification leaves Forløp: one interface, one channel per way of sending.

A channel gets an address, a subject and a body, and the body is made by ``messages`` from
**counts** only (``EmailCounts``, ``WeeklyCounts``), never from a notification or a stop
point, so no name, identity number or diagnosis can reach a message: there is nothing of the
kind to put in. The message says how many and links to Forløp, where the reader logs in and
the access rule applies.

**E-mail** goes through Django's mail API, so the SMTP server is Django's settings, read from
the environment (docs/operations.md).

**SMS is an extension point.** To add it: write a class with ``channel = "sms"``, an
``address(user)`` giving the number to send to (or ``""``), and a ``send(...)`` that raises on
failure (the scheduler retries with backoff), then ``register(YourSmsChannel())`` from the
``ready()`` of the app that owns the gateway. Deliveries carry their channel
(``Delivery.Channel.SMS``), and the same counts-only text applies. Forløp ships no SMS sender:
a sender that pretends to send would hide that no message went out.

**Other apps** that must send an e-mail but may not import this one (the learning network's
invitations in ``improvement``) reach the e-mail channel through ``core.outbox``, where
``NotificationsConfig.ready()`` registers it. Their messages may carry attachments (an
invitation's ``.ics`` calendar entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.core.mail import EmailMessage

from forlop.core.models import User
from forlop.core.outbox import Attachment


class Channel(Protocol):
    channel: str

    def address(self, user: User) -> str:
        """Where this user receives messages on this channel ("" for nowhere)."""
        ...

    def send(self, *, address: str, subject: str, body: str) -> None:
        """Send one message (made by ``messages``: counts and links only); raise on failure."""
        ...


class EmailChannel:
    channel = "email"

    def address(self, user: User) -> str:
        preference = getattr(user, "notification_preference", None)
        if preference is not None and preference.email:
            return str(preference.email)
        return str(user.email or "")

    def send(
        self,
        *,
        address: str,
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        message = EmailMessage(subject=subject, body=body, to=[address])
        for attachment in attachments:
            message.attach(attachment.file_name, attachment.content, attachment.content_type)
        message.send(fail_silently=False)


_channels: dict[str, Channel] = {"email": EmailChannel()}


def register(channel: Channel) -> None:
    _channels[channel.channel] = channel


def get(name: str) -> Channel | None:
    return _channels.get(name)


def email() -> Channel:
    return _channels["email"]
