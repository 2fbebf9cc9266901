"""The reminder scheduler as the shared worker's periodic job (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import datetime

from forlop.notifications.services import RunResult, notifications_run


def notifications_tick(now: datetime, worker_id: str) -> RunResult:
    return notifications_run(now=now, worker_id=worker_id)
