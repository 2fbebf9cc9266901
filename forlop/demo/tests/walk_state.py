"""The state the demo data lacks, made for the URL walk (``test_url_walk.py``) through the
services, so that the pages behind it show their forms and those get junk bodies too."""

from __future__ import annotations

from typing import Any

from forlop.core.models import User


def state_the_demo_lacks() -> dict[str, list[str]]:
    """Made through the services, so that the pages behind a state the demo has not reached
    show their forms to the walk: a municipality's own template with a published version and
    a draft, and one with a published version only (authoring's draft pages, the diff, the
    migration, a new draft); an emergency grant to review; a measure counted by hand (its
    import and the team's values); the municipality's own notification rules and a nurse's
    calendar link. Returns, per walker, URLs to start from that no page links to (a calendar
    feed's URL is shown once, when it is made)."""
    from django.utils import timezone

    from forlop.authoring import services as authoring
    from forlop.measures.services import measure_create_manual
    from forlop.notifications import services as notifications
    from forlop.pathways.models import PathwayTemplate
    from forlop.patients.models import EmergencyAccess, Patient
    from forlop.patients.services import emergency_access_grant

    leader = User.objects.get(username="leder")
    nurse = User.objects.get(username="sykepleier")
    horten = leader.memberships.filter(active=True).first().unit.organisation
    hph = PathwayTemplate.objects.get(code="hph", organisation=None)
    copies = {}
    for code, with_draft in (("walk-draft", True), ("walk-published", False)):
        copy = authoring.template_copy(
            actor=leader, template=hph, organisation=horten, name=f"HPH {code}", code=code
        )
        authoring.version_publish(actor=leader, version=copy.versions.get(), notes="Walk")
        if with_draft:
            authoring.version_draft_create(actor=leader, template=copy)
        copies[code] = f"/pathway-templates/{copy.pk}/"
    # A Horten patient the nurse does not serve: her emergency grant, for the leader's review.
    served = Patient.objects.filter(services__unit__memberships__user=nurse)
    stranger = Patient.objects.filter(municipality=horten).exclude(pk__in=served).first()
    emergency_access_grant(
        actor=nurse,
        patient=stranger,
        reason_category=EmergencyAccess.Category.ACUTE_CARE,
        reason="Pasienten trenger hjelp nå, vakthavende er ikke å nå.",
    )
    measure_create_manual(
        organisation=horten,
        code="walk-ringt",
        name="Ringt dagen etter",
        numerator="pasienter ringt dagen etter hjemkomst",
    )
    admin = User.objects.get(username="admin")
    notifications.rules_adopt_defaults(actor=admin, organisation=horten)
    token = notifications.calendar_token_create(user=nurse, now=timezone.now())
    unit = nurse.memberships.filter(active=True).first().unit
    feeds = [
        f"/notifications/feed/{token}.ics",
        f"/notifications/feed/{token}/unit/{unit.code}.ics",
    ]
    # One concrete URL per pattern and walker: the leader's template page is the draft's,
    # the administrator's the published copy's (it offers a new draft).
    return {
        "sykepleier": feeds,
        "leder": [copies["walk-draft"]],
        "admin": [copies["walk-published"]],
    }


def emergency_offer(walk: Any) -> None:
    """The emergency-access form is the answer to a look-up by identity number (a POST, which
    the crawl does not send): look up a Horten patient the nurse does not serve."""
    from forlop.patients.models import Patient

    nurse = User.objects.get(username="sykepleier")
    served = Patient.objects.filter(services__unit__memberships__user=nurse)
    number = (
        Patient.objects.exclude(pk__in=served)
        .filter(municipality__units__memberships__user=nurse)
        .exclude(emergency_accesses__user=nurse)
        .values_list("identity_number", flat=True)
        .first()
    )
    walk.client.force_login(nurse)
    response = walk.request("post", "/patients/lookup/", {"identity_number": number}, "sykepleier")
    assert response is not None
    assert response.status_code == 200
    assert 'action="/patients/emergency-access/"' in response.content.decode()
    walk.collect("sykepleier", "/patients/lookup/", response.content.decode())
