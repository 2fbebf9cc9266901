"""Template context: whether the signed-in user still owes the second factor (then the menu,
with its counts from the work list, is not shown)."""

from __future__ import annotations

from django.http import HttpRequest

from forlop.accounts.middleware import second_factor_required


def second_factor(request: HttpRequest) -> dict[str, bool]:
    return {"second_factor_pending": second_factor_required(request)}
