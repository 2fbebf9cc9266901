"""The trial's measure per primary contact on the leaders' view (issue 9 item 4): counted by
hand on known pathways, small groups suppressed, constant queries, and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forlop.core.models import Role
from forlop.measures.leaders import leader_section
from forlop.measures.tests.conftest import AFTER_THE_ROWS, oslo
from forlop.measures.tests.test_main_checklists import _main
from forlop.pathways.models import Pathway

pytestmark = [pytest.mark.django_db, pytest.mark.clock(AFTER_THE_ROWS)]

YES = dict.fromkeys(("HPH0", "HPH2", "HPH3", "HPH5"), True)


@pytest.fixture
def held(district, other_unit, nurse, make_member, add_pathway, add_stop_point):
    """Nina holds 5 settled pathways (3 with at least 3 of 4) and one not settled yet; Ola
    holds 2 (both 4 of 4); one pathway has no primary contact; another municipality's
    pathway of Nina's is not in the leader's units."""
    ola = make_member(district, Role.PRIMARY_CONTACT, first_name="Ola", last_name="Olsen")

    def pathway(unit, person, done: dict[str, bool], **extra) -> Pathway:
        p = add_pathway(unit, oslo(2025, 1, 1, 9))
        Pathway.objects.filter(pk=p.pk).update(primary_contact=person)
        _main(add_stop_point, p, done, **extra)
        return p

    for done in (YES, YES, {**YES, "HPH3": False}, {"HPH0": True, "HPH2": True}, {"HPH0": True}):
        pathway(district, nurse, done)
    # HPH5 still open before its end: not settled
    pathway(district, nurse, {**YES, "HPH5": False}, HPH5={"ends_at": oslo(2025, 5, 1)})
    pathway(district, ola, YES)
    pathway(district, ola, YES)
    pathway(district, None, YES)
    pathway(other_unit, nurse, {})
    return {"ola": ola}


def test_per_primary_contact_counted_by_hand(held, leader, nurse, django_assert_num_queries):
    from datetime import date

    with django_assert_num_queries(3):  # the led units, the counts, the names
        section = leader_section(leader, date(2025, 4, 15))
    assert (section.first, section.last) == ("okt. 2024", "mar. 2025")
    rows = {row.user_id: (row.pathways, row.met, row.share) for row in section.rows}
    assert rows == {
        nurse.pk: (5, 3, 0.6),
        held["ola"].pk: (None, None, None),  # 2 < 5: suppressed
        None: (None, None, None),  # 1 < 5: suppressed
    }
    assert section.suppressed == 2
    # the rows: named people by name, then the pathways with no primary contact
    assert [row.user_id for row in section.rows] == [nurse.pk, held["ola"].pk, None]


def test_the_leaders_view_shows_it_and_a_nurse_is_refused(client, held, leader, nurse):
    client.force_login(leader)
    page = client.get(reverse("pathways:leader"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="three-of-four-employee"' in html
    assert "minst 3 av de 4 hovedsjekklistene, per primærkontakt" in html
    assert f'data-key="{nurse.pk}"' in html
    assert "60 %" in html
    assert html.count('data-testid="suppressed"') == 2
    client.force_login(nurse)
    assert client.get(reverse("pathways:leader")).status_code == 403
