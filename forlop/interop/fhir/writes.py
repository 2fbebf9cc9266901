"""Writes (filled in below)."""

from __future__ import annotations

from typing import Any


def bundle_process(*, caller: Any, bundle: dict[str, Any]) -> tuple[dict[str, Any], int]:
    raise NotImplementedError


def create_single(**kwargs: Any) -> tuple[dict[str, Any], int]:
    raise NotImplementedError


def update_single(**kwargs: Any) -> tuple[dict[str, Any], int]:
    raise NotImplementedError
