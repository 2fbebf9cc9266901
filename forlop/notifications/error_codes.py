"""Typed error codes of the notifications app (``core.errors.domain_error``)."""

from __future__ import annotations

from enum import StrEnum


class NotificationErrorCode(StrEnum):
    NOT_ALLOWED = "notifications.not_allowed"
    UNKNOWN_TRIGGER = "notifications.unknown_trigger"
    UNKNOWN_TARGET = "notifications.unknown_target"
    TARGET_NEEDS_STOP_POINT = "notifications.target_needs_stop_point"
    UNKNOWN_TEMPLATE = "notifications.unknown_template"
    UNKNOWN_STOP_POINT = "notifications.unknown_stop_point"
    NEGATIVE_DELAY = "notifications.negative_delay"
    DELAY_TOO_LONG = "notifications.delay_too_long"
    DUPLICATE_RULE = "notifications.duplicate_rule"
    REPEAT_NOT_ALLOWED = "notifications.repeat_not_allowed"
    UNKNOWN_EMAIL_MODE = "notifications.unknown_email_mode"
    DIGEST_HOUR = "notifications.digest_hour"
    EMAIL_ADDRESS = "notifications.email_address"
    EMAIL_MISSING = "notifications.email_missing"
