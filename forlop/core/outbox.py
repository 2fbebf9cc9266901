"""The seam through which an app sends an e-mail without importing the app that sends it.

``notifications`` owns how messages leave Forløp (its channels: e-mail now, SMS as the
extension point). An app beside it, such as ``improvement`` for the learning network's
invitations, may not import it (docs/architecture.md), so ``notifications`` registers its
e-mail channel here in its ``AppConfig.ready()`` and the caller sends through ``send_email``.
Core knows neither app. With no sender registered ``send_email`` raises: a message that
pretends to go out would hide that nobody was told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Attachment:
    file_name: str
    content: bytes
    content_type: str


class Sender(Protocol):
    def send(
        self,
        *,
        address: str,
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        """Send one message; raise on failure."""
        ...


class NoSenderError(RuntimeError):
    """No app has registered an e-mail sender."""


_sender: Sender | None = None


def register(sender: Sender) -> None:
    global _sender
    _sender = sender


def registered() -> bool:
    return _sender is not None


def send_email(
    *, address: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> None:
    if _sender is None:
        raise NoSenderError("no e-mail sender is registered")
    _sender.send(address=address, subject=subject, body=body, attachments=attachments)
