"""The error codes of template authoring: what its services refuse, and why."""

from __future__ import annotations

from enum import StrEnum


class TemplateErrorCode(StrEnum):
    PUBLISHED = "published"
    NO_PUBLISHED = "no_published"
    DUPLICATE_CODE = "duplicate_code"
    DUPLICATE_KEY = "duplicate_key"
    DRAFT_EXISTS = "draft_exists"
    EMPTY_VERSION = "empty_version"
    INVALID_DEFINITION = "invalid_stop_point_definition"
    INVALID_ITEM = "invalid_item"
    IN_USE = "in_use"
    OTHER_TEMPLATE = "other_template"
    SAME_VERSION = "same_version"
    NOT_PUBLISHED = "not_published"
