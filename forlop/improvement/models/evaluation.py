"""Evaluations after a gathering: questions as data, anonymous answers.

Anonymous by construction: a ``Response`` and its ``Answer`` rows carry no user and no time,
and have random keys, so neither their order nor a timestamp can be matched with the
``Receipt`` that records only *that* a user answered (to answer once).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.models.network import Gathering


class Survey(BaseModel):
    gathering = models.OneToOneField(
        Gathering, verbose_name=_("gathering"), on_delete=models.CASCADE, related_name="survey"
    )
    closes_on = models.DateField(_("open until"))
    intro = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.gathering)


class Question(BaseModel):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1 to 5")
        YES_NO = "yes_no", _("Yes or no")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(
        Survey, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One participant's answers, without who or when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="responses"
    )

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self) -> str:
        return str(self.pk)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=5),
                name="answer_value_0_to_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Receipt(models.Model):
    """That a user has answered an evaluation (so they answer once), and nothing more."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation receipt")
        verbose_name_plural = _("evaluation receipts")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="evaluation_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.user_id}"
