"""A notifier for the retry test that fails the first time it is called (a mail server that is
down), then delivers. State is kept in files, since each run is its own worker process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def notify(grants: list[Any]) -> None:
    folder = Path(os.environ["FORLOP_TEST_NOTIFIER_DIR"])
    marker = folder / "failed-once"
    if not marker.exists():
        marker.write_text("x")
        raise ConnectionError("mail server unreachable")
    with (folder / "delivered.log").open("a") as log:
        log.writelines(f"escalated {grant.pk}\n" for grant in grants)
