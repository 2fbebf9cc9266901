"""A stop point's checklist: one tap saves each answer; sign, reopen, not relevant, assign.

Errors follow the htmx convention in ``views.common``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.errors import error_text
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Role, Unit
from forlop.pathways import checklists, mappers, registry, rules, selectors, services
from forlop.pathways.forms import (
    AnswerRevisionForm,
    AssignForm,
    ChecklistAnswerForm,
    ReasonForm,
    RevisionForm,
)
from forlop.pathways.models import ChecklistAnswer, ChecklistItem, StopPoint
from forlop.pathways.views.common import answer_display, event_buttons


@dataclass(slots=True)
class ChecklistRow:
    item: ChecklistItem
    answer: ChecklistAnswer | None
    form: ChecklistAnswerForm
    state: str = ""  # "", "saved", "invalid", "conflict"
    message: str = ""
    readonly: bool = False
    part: str = ""  # "" for the owner's part, else the role of the part
    theirs: str = ""  # in a conflict: the stored answer (someone else's), in words
    mine: str = ""  # in a conflict: what this user tried to save, in words

    @property
    def answer_revision(self) -> int:
        """The revision of the answer as shown; a save is checked against it (per item)."""
        return self.answer.revision if self.answer is not None else 0

    @property
    def plugin(self) -> registry.ItemKind | None:
        """The app that draws this kind of item (goals for "what matters"), if any."""
        return registry.item_kind(self.item.kind)

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and checklists.is_answered(
            self.answer.value, self.answer.not_relevant_reason
        )

    @property
    def structured_answer(self) -> str:
        """A structured answer (a plugged-in kind's, such as a scoring of the goals) in words."""
        if self.answer is not None and isinstance(self.answer.value, dict):
            return answer_display(
                self.answer.value, kind=self.item.kind, unit=self.item.number_unit
            )
        return ""


def _progress(rows: list[ChecklistRow]) -> dict[str, Any]:
    return {
        "rows": rows,
        "answered_count": sum(1 for row in rows if row.is_answered),
        "missing": [row.item for row in rows if row.item.required and not row.is_answered],
    }


# The printed report each stop point sends, linked from its checklist.
REPORTS: dict[str, tuple[str, Any]] = {
    "HPH3": ("pathways:gp-summary", gettext_lazy("Summary for the GP")),
    "HPH6": ("pathways:admission-report", gettext_lazy("Admission report")),
}


def _report_link(stop_point: StopPoint) -> tuple[str, str] | None:
    report = REPORTS.get(stop_point.definition.code)
    if report is None:
        return None
    name, label = report
    return reverse(name, args=[stop_point.pathway_id]), str(label)


def _part_of(stop_point: StopPoint, item: ChecklistItem) -> str:
    roles = {role for role, _title in stop_point.definition.part_specs}
    return item.part if item.part in roles else ""


def _signed_parts(stop_point: StopPoint) -> set[str]:
    signed = {p.role for p in stop_point.parts.all() if p.signed_at is not None}
    if stop_point.owner_signed_at is not None or stop_point.completed_at is not None:
        signed.add("")
    return signed


def _rows(stop_point: StopPoint, *, readonly: bool) -> list[ChecklistRow]:
    signed = _signed_parts(stop_point)
    rows = []
    for row in selectors.checklist_rows(stop_point=stop_point):
        part = _part_of(stop_point, row.item)
        rows.append(
            ChecklistRow(
                item=row.item,
                answer=row.answer,
                form=ChecklistAnswerForm(item=row.item, answer=row.answer),
                readonly=readonly or part in signed,
                part=part,
            )
        )
    return rows


@dataclass(slots=True)
class ChecklistPart:
    """One part of the checklist on the page: who answers for it, its rows, and whether the
    viewer may sign it now."""

    owner: selectors.PartOwner
    rows: list[ChecklistRow]
    may_sign: bool
    key: str  # "" for the owner's part, else the role

    @property
    def owners(self) -> list[selectors.PartOwner]:
        return [self.owner]


def _parts(
    stop_point: StopPoint, rows: list[ChecklistRow], *, user: Any, readonly: bool
) -> list[ChecklistPart]:
    roles = selectors.user_roles(user)
    parts: list[ChecklistPart] = []
    for owner in selectors.stop_point_owners(stop_point):
        key = "" if owner.is_owner else owner.role
        # The owner's part is signed by its role, the person answering for it, or a leader
        # (the service lets anyone with a service need help out; the page offers the button
        # to those it belongs to). A part is signed by its role or its assignee.
        may_sign = (
            not readonly
            and not owner.is_signed
            and (
                owner.role in roles
                or (owner.person is not None and owner.person.pk == user.pk)
                or (owner.is_owner and Role.UNIT_LEADER in roles)
            )
        )
        parts.append(
            ChecklistPart(
                owner=owner,
                rows=[row for row in rows if row.part == key],
                may_sign=may_sign,
                key=key,
            )
        )
    return parts


def _checklist_context(stop_point: StopPoint, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    status = mappers.stop_point_status(stop_point, now=now)
    readonly = status in rules.CLOSED_STATUSES
    pathway = stop_point.pathway
    rows = _rows(stop_point, readonly=readonly)
    user = extra.pop("user", None)
    parts = _parts(stop_point, rows, user=user, readonly=readonly) if user is not None else []
    context = {
        "stop_point": stop_point,
        "pathway": pathway,
        "patient": pathway.patient,
        "status": status,
        "readonly": readonly,
        "parts": parts,
        "owners": [part.owner for part in parts],
        "owner_signed": "" in _signed_parts(stop_point),
        "may_sign_owner": bool(parts) and parts[0].may_sign,
        **_progress(rows),
        "reason_form": ReasonForm(),
        "reopen_form": ReasonForm(),
        "assign_form": AssignForm(
            initial={"assignee": stop_point.assignee_id},
            units=Unit.objects.filter(pk=pathway.unit_id),
        ),
        "event_buttons": event_buttons(),
        "now": now,
        "report_link": _report_link(stop_point),
    }
    context.update(extra)
    return context


@require_GET
def stop_point_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "pathways/stop_point_detail.html",
        _checklist_context(stop_point, user=request.user),
    )


def _in_words(item: ChecklistItem, value: Any, reason: str) -> str:
    if reason:
        return _("Not relevant: %(reason)s") % {"reason": reason}
    return answer_display(value, kind=item.kind, unit=item.number_unit)


@require_http_methods(["GET", "POST"])
def checklist_answer(request: AuthedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Save one item's answer at once; htmx gets the row back (see ``views.common``). A GET
    gives the row as stored (to keep the other person's answer after a conflict).

    Each row carries the revision of its own answer, so two people can fill one checklist:
    only a change to the same item since it was loaded conflicts. The conflict row shows both
    answers, keeps what this user typed, and saves it only when they choose "Keep mine".
    """
    # A GET shows the row as stored (a read, audited); a POST's service audits the answer.
    stop_point = selectors.stop_point_get_for_user(
        user=request.user, pk=pk, for_write=request.method == "POST"
    )
    current = next(
        (row for row in selectors.checklist_rows(stop_point=stop_point) if row.item.pk == item_id),
        None,
    )
    if current is None:
        # An item of another stop point or template version: never save it here.
        raise Http404
    item, answer = current.item, current.answer
    if request.method == "GET":
        readonly = mappers.stop_point_status(stop_point, now=timezone.now()) in (
            rules.CLOSED_STATUSES
        )
        if not request.htmx:
            return redirect(reverse("pathways:stop-point-detail", args=[pk]) + f"#item-{item.pk}")
        row = ChecklistRow(
            item=item,
            answer=answer,
            form=ChecklistAnswerForm(item=item, answer=answer),
            readonly=readonly or _part_of(stop_point, item) in _signed_parts(stop_point),
            part=_part_of(stop_point, item),
        )
        return render(
            request,
            "pathways/stop_point_detail.html#checklist-row",
            {"row": row, "stop_point": stop_point},
        )
    form = ChecklistAnswerForm(request.POST, item=item, answer=answer)
    revision_form = AnswerRevisionForm(request.POST)
    state, message, status = "invalid", "", 400
    theirs = mine = ""
    if not revision_form.is_valid():
        message = _("The form was incomplete. Reload the page and try again.")
    elif form.is_valid():
        try:
            answer = services.checklist_answer_save(
                actor=request.user,
                stop_point=stop_point,
                item_id=item.pk,
                value=form.answer_value(),
                not_relevant_reason=form.cleaned_data["not_relevant_reason"],
                expected_answer_revision=revision_form.cleaned_data["answer_revision"],
            )
        except services.AnswerConflict as exc:
            state, status = "conflict", 409
            message = str(exc.message)
            answer = exc.answer
            theirs = (
                _in_words(item, answer.value, answer.not_relevant_reason)
                if answer is not None
                else "–"
            )
            mine = _in_words(item, form.answer_value(), form.cleaned_data["not_relevant_reason"])
        except (ValidationError, PermissionDenied) as exc:
            message = error_text(exc)
        else:
            state, status = "saved", 200
    else:
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    stop_point.refresh_from_db(fields=["revision"])
    if state == "conflict":
        selectors.checklist_read_audit(user=request.user, stop_point=stop_point)
    if state == "saved":
        # Show the stored answer, as the server has it.
        form = ChecklistAnswerForm(item=item, answer=answer)
    row = ChecklistRow(
        item=item,
        answer=answer,
        form=form,
        state=state,
        message=message,
        theirs=theirs,
        mine=mine,
        part=_part_of(stop_point, item),
    )
    if not request.htmx:
        if state == "saved":
            return redirect(reverse("pathways:stop-point-detail", args=[pk]) + f"#item-{item.pk}")
        context = _checklist_context(stop_point, user=request.user)
        for part in context["parts"]:
            part.rows = [row if r.item.pk == item.pk else r for r in part.rows]
        return render(request, "pathways/stop_point_detail.html", context, status=status)
    context = {"row": row, "stop_point": stop_point, "oob_revision": state == "saved"}
    if state == "saved":
        context.update(_progress(_rows(stop_point, readonly=False)))
    return render(request, "pathways/stop_point_detail.html#checklist-row", context)


def _done(request: AuthedHttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("pathways:stop-point-detail", pk=pk)


def _failed(
    request: AuthedHttpRequest, stop_point: StopPoint, error: str, status: int = 400, **extra: Any
) -> HttpResponse:
    selectors.checklist_read_audit(user=request.user, stop_point=stop_point)
    context = _checklist_context(stop_point, action_error=error, user=request.user, **extra)
    return render(request, "pathways/stop_point_detail.html", context, status=status)


@require_POST
def stop_point_complete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk, for_write=True)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return _failed(request, stop_point, _("The form was incomplete."))
    try:
        services.stop_point_complete(
            actor=request.user,
            stop_point=stop_point,
            expected_revision=form.cleaned_data["expected_revision"],
        )
    except services.ChecklistConflict:
        stop_point.refresh_from_db()
        message = _(
            "Someone else changed this checklist after you opened it. Check the answers "
            "below and sign again."
        )
        return _failed(request, stop_point, message, status=409)
    except (ValidationError, PermissionDenied) as exc:
        stop_point.refresh_from_db()
        return _failed(request, stop_point, error_text(exc))
    if stop_point.completed_at is None:
        return _done(
            request, pk, _("Your part is signed. The stop point is done when every part is signed.")
        )
    return _done(request, pk, _("Checklist completed and signed."))


@require_POST
def stop_point_part_complete(request: AuthedHttpRequest, pk: int, role: str) -> HttpResponse:
    """Sign the part of role ``role`` (HPH3's GP part): the service checks the role."""
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk, for_write=True)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return _failed(request, stop_point, _("The form was incomplete."))
    try:
        services.stop_point_part_complete(
            actor=request.user,
            stop_point=stop_point,
            part=role,
            expected_revision=form.cleaned_data["expected_revision"],
        )
    except services.ChecklistConflict:
        message = _(
            "Someone else changed this checklist after you opened it. Check the answers "
            "below and sign again."
        )
        return _failed(request, stop_point, message, status=409)
    except PermissionDenied as exc:
        return _failed(request, stop_point, error_text(exc), status=403)
    except ValidationError as exc:
        return _failed(request, stop_point, error_text(exc))
    if stop_point.completed_at is None:
        return _done(
            request, pk, _("The part is signed. The stop point is done when every part is signed.")
        )
    return _done(request, pk, _("Checklist completed and signed."))


def _with_reason(
    request: AuthedHttpRequest,
    pk: int,
    *,
    act: Callable[..., StopPoint],
    form_name: str,
    missing: str,
    done: str,
) -> HttpResponse:
    """Reopen, or mark not relevant: an action that needs a reason written by the user."""
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk, for_write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _failed(request, stop_point, missing, 400, **{form_name: form})
    options: dict[str, Any] = {}
    if act is services.stop_point_reopen and "part" in request.POST:
        options["part"] = request.POST["part"]
    try:
        act(
            actor=request.user,
            stop_point=stop_point,
            reason=form.cleaned_data["reason"],
            **options,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _failed(request, stop_point, error_text(exc))
    return _done(request, pk, done)


@require_POST
def stop_point_reopen(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        act=services.stop_point_reopen,
        form_name="reopen_form",
        missing=_("Write why the checklist is reopened."),
        done=_("Checklist reopened."),
    )


@require_POST
def stop_point_not_relevant(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        act=services.stop_point_mark_not_relevant,
        form_name="reason_form",
        missing=_("Write why the stop point is not relevant."),
        done=_("Stop point marked not relevant."),
    )


@require_POST
def stop_point_assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk, for_write=True)
    form = AssignForm(request.POST, units=Unit.objects.filter(pk=stop_point.pathway.unit_id))
    if not form.is_valid():
        return _failed(request, stop_point, _("Choose a person from the unit."))
    try:
        services.stop_point_assign(
            actor=request.user, stop_point=stop_point, assignee=form.cleaned_data["assignee"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _failed(request, stop_point, error_text(exc))
    return _done(request, pk, _("Responsible person saved."))
