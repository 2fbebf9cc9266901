"""Wall times around Oslo's DST changes in the pathway forms (DateTimeLocalField)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django import forms

from forlop.pathways.forms import DateTimeLocalField


@pytest.mark.parametrize(
    ("wall", "instant"),
    [
        # the repeated hour in autumn: the earlier of the two instants (02:30 CEST)
        ("2027-10-31T02:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        # ordinary times on both change days, and either side of them
        ("2027-10-31T03:30", datetime(2027, 10, 31, 2, 30, tzinfo=UTC)),
        ("2027-10-31T01:30", datetime(2027, 10, 30, 23, 30, tzinfo=UTC)),
        ("2027-03-28T01:30", datetime(2027, 3, 28, 0, 30, tzinfo=UTC)),
        ("2027-03-28T03:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
    ],
)
def test_wall_times_on_dst_days(wall, instant):
    assert DateTimeLocalField().clean(wall) == instant


def test_a_wall_time_the_spring_change_skips_is_refused():
    with pytest.raises(forms.ValidationError):
        DateTimeLocalField().clean("2027-03-28T02:30")
