"""Forms for the learning network's pages: they parse and check the input at the edge; the
services apply the domain rules (and say what is wrong in Norwegian)."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.db import models as django_models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from forlop.core.forms import Form, NorwegianDateField, NorwegianDateTimeField
from forlop.core.models import Organisation, Unit, User
from forlop.improvement.models import (
    EventInvitation,
    Gathering,
    InterviewNote,
    Question,
    Team,
    TeamMember,
)
from forlop.measures.models import Measure

PHOTO_MAX_BYTES = 5 * 1024 * 1024
GATHERING_FUTURE_DAYS = 4 * 366
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = {
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class CheckboxList(forms.CheckboxSelectMultiple):
    """Several checkboxes under one legend (``improvement/parts.html#fields`` draws them)."""

    multiple_choices = True


def _date(**kwargs: Any) -> forms.DateField:
    return NorwegianDateField(**kwargs)


def _text(rows: int = 4, **kwargs: Any) -> forms.CharField:
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class NetworkForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    health_community = forms.CharField(label=_("Health community"), max_length=200, required=False)
    starts_on = _date(
        label=_("Starts"),
        help_text=_("The start of the preparation, about three months before gathering 1."),
    )
    ends_on = _date(label=_("Ends"), help_text=_("Gathering 4 at the latest."))


class PlanGatheringsForm(Form):
    first_gathering = _date(
        label=_("Date of gathering 1"),
        help_text=_("Gatherings 2, 3 and 4 follow after 3, 9 and 18 months; you can move each."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class GatheringForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Gathering.Kind.GATHERING, Gathering.Kind.GATHERING.label),
            (Gathering.Kind.EXPERIENCE, Gathering.Kind.EXPERIENCE.label),
            (Gathering.Kind.OTHER, Gathering.Kind.OTHER.label),
        ],
    )
    number = forms.TypedChoiceField(
        label=_("Number"),
        choices=[("", "–"), *[(n, str(n)) for n in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For the network's four gatherings."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    # A network runs 21 months and its experience gathering a year after: plan years ahead.
    starts_on = _date(label=_("Date"), future_days=GATHERING_FUTURE_DAYS)
    ends_on = _date(
        label=_("Last day"),
        required=False,
        help_text=_("For a gathering over two days."),
        future_days=GATHERING_FUTURE_DAYS,
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    themes = _text(label=_("Themes"), required=False, help_text=_("One theme per line."))
    invites_team = forms.BooleanField(
        label=_("The improvement teams"), required=False, initial=True
    )
    invites_leaders = forms.BooleanField(label=_("The teams' leaders"), required=False)
    invites_top_leaders = forms.BooleanField(
        label=_("Top leaders (kommunalsjef, klinikksjef)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Gathering.Kind.GATHERING and not data.get("number"):
            self.add_error("number", _("Give the gathering's number (1 to 4)."))
        ends, starts = data.get("ends_on"), data.get("starts_on")
        if ends and starts and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        if not data.get("place") and not data.get("online"):
            self.add_error("place", _("Give a place, or tick “online”."))
        return data


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind__in=(Organisation.Kind.MUNICIPALITY, Organisation.Kind.HOSPITAL_TRUST)
    ).order_by("name")


class TeamCreateForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("Municipality or hospital trust"), queryset=Organisation.objects.none()
    )
    name = forms.CharField(label=_("Team name"), max_length=200)
    unit = forms.ModelChoiceField(
        label=_("City district or hospital"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Where the team comes from a part of the organisation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.select_related("organisation").order_by(  # type: ignore[attr-defined]
            "organisation__name", "name"
        )


class TeamForm(Form):
    description = _text(
        rows=5,
        label=_("About the municipality or hospital"),
        required=False,
        help_text=_(
            "Demography and services, and what makes the pathways hard here (for the poster)."
        ),
    )
    line_manager = forms.CharField(
        label=_("Line manager"), max_length=200, required=False, help_text=_("Name and title.")
    )
    anchored_on = _date(label=_("Anchored with management on"), required=False)
    anchored_with = forms.CharField(
        label=_("Anchored with"),
        max_length=200,
        required=False,
        help_text=_("Who in the management, for example the head of health and care."),
    )


class TeamMemberForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.ModelChoiceField(label=_("Works in"), queryset=Organisation.objects.none())
    username = forms.CharField(
        label=_("User name in Forløp"),
        max_length=150,
        required=False,
        help_text=_("If the person has an account: they then work on the team's pages."),
    )
    is_leader = forms.BooleanField(label=_("Team leader"), required=False)
    is_measurement_lead = forms.BooleanField(label=_("Responsible for measurement"), required=False)
    invitation = _text(
        rows=2,
        label=_("Invitation"),
        required=False,
        help_text=_("For someone from another organisation: who invited them, and why."),
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["organisation"].initial = team.organisation_id

    def clean_username(self) -> User | None:
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No user has that user name."))
        return user


class TaskDoneForm(Form):
    done_on = _date(label=_("Done on"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class InterviewForm(Form):
    interviewee = forms.ChoiceField(
        label=_("Who was interviewed"), choices=InterviewNote.Interviewee.choices
    )
    works_well = _text(label=_("What works well"))
    works_badly = _text(label=_("What does not work"))
    ideas = _text(rows=3, label=_("Ideas and other points"), required=False)
    confirmed = forms.BooleanField(
        label=_("I have checked the note: it does not identify the patient or anyone else"),
        required=False,
    )


class SummaryForm(Form):
    interview_summary = _text(rows=5, label=_("What the interviews taught us"), required=False)


class AreaForm(Form):
    title = forms.CharField(label=_("Improvement area"), max_length=200)
    description = _text(rows=2, label=_("Description"), required=False)


class AimForm(Form):
    statement = forms.CharField(
        label=_("Aim"),
        max_length=300,
        help_text=_("In the team's own words: what, how much, by when."),
    )
    description = _text(rows=3, label=_("Why and how"), required=False)
    # Required by the service (method.aim_problems), which says so in the team's language.
    measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.none(),
        required=False,
        help_text=_("Computed from the pathways, or one the team registers by hand."),
    )
    target = forms.FloatField(
        label=_("Target value"),
        required=False,
        help_text=_("For a share, in per cent (90 for 90 %)."),
    )
    target_date = _date(label=_("Target date"), required=False)
    process = forms.ModelMultipleChoiceField(
        label=_("Process measures"),
        queryset=Measure.objects.none(),
        required=False,
        widget=CheckboxList,
        help_text=_("Measures that show whether the changes are carried out."),
    )
    balancing = forms.ModelMultipleChoiceField(
        label=_("Balancing measures"),
        queryset=Measure.objects.none(),
        required=False,
        widget=CheckboxList,
        help_text=_("Measures that watch for harm elsewhere while the aim is pursued."),
    )

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Measure.objects.filter(pk__in=[m.pk for m in measures]).order_by("order", "name")
        for name in ("measure", "process", "balancing"):
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = _measure_label  # type: ignore[attr-defined]


def _measure_label(measure: Measure) -> str:

    return gettext(measure.name)


class StatusReportForm(Form):
    work_done = _text(rows=8, label=_("What we have done since the last gathering"), required=False)
    aims_and_measures = _text(rows=6, label=_("Aims and measures"), required=False)
    pdsa = _text(rows=4, label=_("Changes tested (PDSA)"), required=False)
    challenges = _text(rows=3, label=_("Challenges"), required=False)
    next_steps = _text(rows=3, label=_("Next steps"), required=False)
    needs = _text(rows=3, label=_("What we need guidance on"), required=False)


class ReopenForm(Form):
    reason = forms.CharField(label=_("Why open the report again?"), max_length=500)


class PosterForm(Form):
    headline = forms.CharField(label=_("Headline"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG or PNG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    photo_text = forms.CharField(
        label=_("Photo description"),
        max_length=200,
        required=False,
        help_text=_("What the photo shows, for those who cannot see it."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean_photo(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("The photo is too large: at most 5 MB (this one is %(size).1f MB).")
                % {"size": upload.size / 1024 / 1024}
            )
        content = upload.read()
        try:
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format or ""
                if image.width * image.height > PHOTO_MAX_PIXELS:
                    raise forms.ValidationError(_("The photo has too many pixels."))
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise forms.ValidationError(
                _("The file is not an image we can use: choose a JPEG or PNG photo.")
            ) from None
        if kind not in PHOTO_TYPES:
            raise forms.ValidationError(
                _("The file is not an image we can use: choose a JPEG or PNG photo.")
            )
        return content, PHOTO_TYPES[kind]


class GuidanceForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = NorwegianDateTimeField(label=_("Time"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    teams = forms.ModelMultipleChoiceField(
        label=_("Invited teams"), queryset=Team.objects.none(), widget=CheckboxList
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]


class GuidanceResponseForm(Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Who takes part"),
        queryset=TeamMember.objects.none(),
        widget=CheckboxList,
    )
    status = _text(label=_("Where we are"), required=False)
    needs = _text(label=_("What we need guidance on"), required=False)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = team.members.filter(active=True)  # type: ignore[attr-defined]


class GuideNotesForm(Form):
    guide_notes = _text(rows=5, label=_("The guide's notes"), required=False)


class SurveyForm(Form):
    closes_on = _date(label=_("Open until"))
    intro = _text(rows=2, label=_("Introduction"), required=False)


class AnswerForm(Form):
    """One field per question of the survey (questions are data)."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            name = f"q{question.pk}"
            field: forms.Field
            if question.kind == Question.Kind.SCALE:
                field = forms.TypedChoiceField(
                    choices=[(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    required=question.required,
                    help_text=_("1 is the lowest, 5 the highest."),
                )
            elif question.kind == Question.Kind.YES_NO:
                field = forms.TypedChoiceField(
                    choices=[(1, _("Yes")), (0, _("No"))],
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    required=question.required,
                )
            else:
                field = _text(rows=3, required=question.required)
            field.label = question.text
            self.fields[name] = field
            self.style_field(name, field)

    def answers(self, questions: list[Question]) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in questions}


class MaterialForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, PowerPoint, Word or Excel, at most 20 MB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if not data.get("url") and not upload:
            raise forms.ValidationError(_("Give a link or a file."))
        if upload:
            suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if suffix not in MATERIAL_TYPES:
                self.add_error("file", _("Choose a PDF, PowerPoint, Word or Excel file."))
            elif upload.size > MATERIAL_MAX_BYTES:
                self.add_error("file", _("The file is too large (at most 20 MB)."))
            else:
                data["content_type"] = MATERIAL_TYPES[suffix]
        return data


class InviteeForm(Form):
    """Invite a person with an account by name: their user name or e-mail address."""

    person = forms.CharField(
        label=_("User name or e-mail"),
        max_length=254,
        help_text=_("The person must work in one of the network's organisations."),
    )
    reason = forms.ChoiceField(
        label=_("Invited as"),
        choices=[
            (EventInvitation.Reason.TOP_LEADER, EventInvitation.Reason.TOP_LEADER.label),
            (EventInvitation.Reason.LEADER, EventInvitation.Reason.LEADER.label),
            (EventInvitation.Reason.OTHER, EventInvitation.Reason.OTHER.label),
        ],
    )

    def clean_person(self) -> User:
        value = self.cleaned_data["person"].strip()
        found = list(
            User.objects.filter(
                django_models.Q(username__iexact=value) | django_models.Q(email__iexact=value)
            )[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                gettext("No user has that user name or e-mail address in Forløp.")
            )
        return found[0]


class NationalEventForm(GatheringForm):
    """A national event: the experience conference or "Hva er viktig for deg?"-dagen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (Gathering.Kind.CONFERENCE, Gathering.Kind.CONFERENCE.label),
            (Gathering.Kind.WHAT_MATTERS_DAY, Gathering.Kind.WHAT_MATTERS_DAY.label),
        ]
        del self.fields["number"]
