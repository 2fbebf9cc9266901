"""Pathway fixtures: the national HPH template (installed by the templates' own code)."""

from __future__ import annotations

import pytest

from forlop.pathways.defaults import install_national_defaults
from forlop.pathways.models import TemplateVersion


@pytest.fixture
def hph_version(db: None) -> TemplateVersion:
    templates = install_national_defaults()
    return templates["hph"].versions.get(status=TemplateVersion.Status.PUBLISHED, number=1)
