"""Improvement fixtures: the measure builders (pathway rows with known outcomes) are shared
with the measures tests."""

from forlop.measures.tests.conftest import (  # noqa: F401 - fixtures used by these tests
    add_pathway,
    add_stop_point,
    default_measures,
    hph_version,
)
