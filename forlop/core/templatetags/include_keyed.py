"""``{% include_keyed "app/page.html#fragment" name=value … %}``: an include that renders a
fragment once per page for each distinct set of values, and repeats that HTML.

A list of cards renders the same small fragments again and again with the same values: the
work list's status tag has a handful of values, its deadlines a few dates (17 distinct of 56
cards in the 40k-patient benchmark), its "responsible" lines a few people. Each render costs
the template engine 60–130 µs (date formats, plural translations, a chain of ``{% if %}``);
looking the HTML up costs a dictionary access.

The fragment sees only the named values (as ``{% include … with … only %}``), so its HTML
follows from them and from what is fixed for the whole response (the language, the time zone,
the script prefix): the cache lives in the render context, one per response. Values must be
hashable (lists become tuples); a fragment with an unhashable value is rendered as a plain
include would. Django's ``{% cache %}`` keys on the values too, but stores across requests in
a cache backend: the wrong lifetime for per-user pages and an extra round trip per fragment.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


@register.simple_tag(takes_context=True)
def include_keyed(context: template.Context, name: str, **values: Any) -> SafeString:
    """The fragment ``name`` rendered with ``values`` only, once per response for each distinct
    set of values."""
    state: dict[str, Any] = context.render_context.dicts[0].setdefault("include_keyed", {})
    # In the tag's order: a template names the values in the same order every time.
    key = (name, *((k, _hashable(v)) for k, v in values.items()))
    try:
        html: SafeString | None = state.get(key)
    except TypeError:  # an unhashable value: no key, so no reuse
        key, html = None, None
    if html is None:
        templates: dict[str, Any] = context.render_context.dicts[0].setdefault(
            "include_keyed_templates", {}
        )
        fragment = templates.get(name)
        if fragment is None:
            engine = context.template.engine  # type: ignore[union-attr]  # set while rendering
            fragment = templates[name] = engine.get_template(name)
        html = fragment.render(context.new(values))
        if key is not None:
            state[key] = html
    return html
