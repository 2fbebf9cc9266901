"""``{% pk_url "app:name" pk %}``: ``{% url "app:name" pk %}`` for a route whose one argument
is an integer, reversed once per page render instead of once per row.

A list of cards reverses the same few routes for every card (the work list: four per card,
about a tenth of its rendering). The route is reversed once with a placeholder number, and
each row's URL is that path with the row's number in its place: the same text ``{% url %}``
gives, since an ``<int:…>`` converter writes the number as ``str()`` does.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()

PLACEHOLDER = 987654321987654321
"""A number no route holds in its fixed text, so the one place it appears is the argument's."""


_NO_ARGUMENT = object()


@register.simple_tag(takes_context=True)
def pk_url(context: template.Context, name: str, pk: object = _NO_ARGUMENT) -> str:
    """The path of ``name`` for ``pk``, or of ``name`` alone without one (escaped on output
    like ``{% url %}``'s: a simple tag)."""
    if pk is not _NO_ARGUMENT and (not isinstance(pk, int) or isinstance(pk, bool)):
        return reverse(name, args=[pk])  # anything else: exactly what {% url %} does
    # The page's render context: one per response, so the script prefix and the language
    # (which the path may depend on) are those of this request.
    cache: dict[str, str] = context.render_context.dicts[0].setdefault("pk_url", {})
    if pk is _NO_ARGUMENT:
        key = f"{name}()"
        if key not in cache:
            cache[key] = reverse(name)
        return cache[key]
    path = cache.get(name)
    if path is None:
        path = cache[name] = reverse(name, args=[PLACEHOLDER])
    return path.replace(str(PLACEHOLDER), str(pk))
