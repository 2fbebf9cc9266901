"""Pathway template pages: list, read a version, copy, edit a draft, publish, compare, migrate.

One module per concern: ``fetch`` (the access checks), ``reading``, ``versions`` (copy, draft,
publish), ``drafts`` (stop points and questions of a draft) and ``compare`` (diff, migrate).
The URLconf uses the names re-exported here.

Access: everyone with an active membership reads the national defaults and their own
organisation's templates (others' are 404); administrators and unit leaders of the owning
organisation edit (others get 403); national defaults are read-only and can be copied.

Forms validate at the edge; the authoring services validate again (the pure rules, uniqueness,
published versions never change) and their ``ValidationError`` is shown on the form. htmx
error convention as in ``forlop.pathways.views.common``: an htmx request with invalid input
gets 200 and the partial with the error; a plain post gets the full page with 400.
"""

from __future__ import annotations

from forlop.authoring.views.compare import (
    pathways_migrate,
    version_diff,
)
from forlop.authoring.views.drafts import (
    definition_create,
    definition_delete,
    definition_update,
    item_create,
    item_delete,
    item_update,
)
from forlop.authoring.views.reading import (
    template_detail,
    template_list,
)
from forlop.authoring.views.versions import (
    template_copy,
    version_draft_create,
    version_edit,
    version_publish,
)

__all__ = [
    "definition_create",
    "definition_delete",
    "definition_update",
    "item_create",
    "item_delete",
    "item_update",
    "pathways_migrate",
    "template_copy",
    "template_detail",
    "template_list",
    "version_diff",
    "version_draft_create",
    "version_edit",
    "version_publish",
]
