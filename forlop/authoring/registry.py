"""How higher apps add links to the template pages without authoring importing them.

A ``PageLink`` is a button on the template list (``page="list"``) or on a template's page
(``page="detail"``). ``url(page)`` gets what the page knows (a ``PageContext``: the user,
the template and version shown, whether the user edits some organisation's templates, which
the page has already looked up) and returns the link, or None when the user may not use it
(the button is then not shown). Registered in the plugging app's ``AppConfig.ready()``; interop registers the
template export and import (templates travel, issue 15).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from forlop.core.models import User
    from forlop.pathways.models import PathwayTemplate, TemplateVersion

PAGES = frozenset({"list", "detail"})


@dataclass(frozen=True, slots=True)
class PageContext:
    user: User
    can_author: bool
    """The user edits the templates of at least one organisation."""
    template: PathwayTemplate | None = None
    version: TemplateVersion | None = None


@dataclass(frozen=True, slots=True)
class PageLink:
    page: str
    name: str
    label: str | Promise
    url: Callable[[PageContext], str | None]


@dataclass(frozen=True, slots=True)
class ShownLink:
    label: str
    url: str


_links: dict[str, dict[str, PageLink]] = {page: {} for page in PAGES}


def register_page_link(link: PageLink) -> None:
    if link.page not in PAGES:
        raise ValueError(f"Unknown template page {link.page!r}; known: {sorted(PAGES)}")
    _links[link.page][link.name] = link  # re-registering (tests, autoreload) replaces


def page_links(page: str, context: PageContext) -> list[ShownLink]:
    """The registered links of ``page`` this user may use, in registration order."""
    shown = []
    for link in _links[page].values():
        url = link.url(context)
        if url:
            shown.append(ShownLink(label=str(link.label), url=url))
    return shown
