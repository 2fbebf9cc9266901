"""The IPLOS function score from HPH2 to HPH5 on the pathway page (issue 9 item 5): the pure
rule without the database, the selector in constant queries, and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from forlop.pathways import rules, selectors
from forlop.pathways.models import ChecklistAnswer, StopPoint


def test_the_change_is_the_later_score_less_the_first():
    # 1 = manages alone, 5 = needs full help: a fall is an improvement
    assert rules.FunctionScoreChange(first=3.5, then=2.75).change == -0.75
    assert rules.FunctionScoreChange(first=3.5, then=2.75).trend == rules.ScoreTrend.BETTER
    assert rules.FunctionScoreChange(first=2, then=3).trend == rules.ScoreTrend.WORSE
    assert rules.FunctionScoreChange(first=2, then=2).trend == rules.ScoreTrend.SAME
    assert rules.FunctionScoreChange(first=None, then=2).change is None
    assert rules.FunctionScoreChange(first=2, then=None).trend is None


def _score(stop_point: StopPoint, value, *, by, done: bool = True) -> None:
    ChecklistAnswer.objects.create(
        stop_point=stop_point,
        item=stop_point.definition.items.get(key="iplos-skar"),
        value=value,
        answered_by=by,
        answered_at=timezone.now(),
    )
    if done:
        StopPoint.objects.filter(pk=stop_point.pk).update(completed_at=timezone.now())


def _stop_point(pathway, code: str) -> StopPoint:
    found = pathway.stop_points.filter(definition__code=code, occurrence=1).first()
    if found is not None:
        return found
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    return StopPoint.objects.create(
        pathway=pathway,
        definition=pathway.version.definitions.get(code=code),
        triggered_at=hph2.triggered_at,
        opens_at=hph2.opens_at,
        due_at=hph2.due_at,
        ends_at=hph2.ends_at,
    )


@pytest.mark.django_db
def test_the_pathway_page_shows_both_scores_and_the_change(
    client, patient, district, nurse, start_hph, django_assert_max_num_queries
):
    pathway = start_hph(patient, district, nurse)
    # HPH2 not answered yet: the card says so
    assert selectors.function_score_change(pathway=pathway).scores.first is None
    _score(_stop_point(pathway, "HPH2"), 3.5, by=nurse)
    # an answer at HPH5 that is not completed yet is not shown
    hph5 = _stop_point(pathway, "HPH5")
    _score(hph5, 2.75, by=nurse, done=False)
    with django_assert_max_num_queries(1):
        scores = selectors.function_score_change(pathway=pathway)
    assert (scores.scores.first, scores.scores.then) == (3.5, None)
    StopPoint.objects.filter(pk=hph5.pk).update(completed_at=timezone.now())
    scores = selectors.function_score_change(pathway=pathway)
    assert (scores.scores.first, scores.scores.then, scores.scores.change) == (3.5, 2.75, -0.75)

    client.force_login(nurse)
    page = client.get(reverse("pathways:pathway-detail", args=[pathway.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="iplos-change"' in html
    assert 'data-testid="iplos-first">3,50 ' in html
    assert 'data-testid="iplos-then">2,75 ' in html
    assert 'data-testid="iplos-change-value">-0,75 ' in html
    assert "mer selvstendig" in html
