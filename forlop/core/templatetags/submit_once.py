"""``{% submit_token %}``: the hidden one-time token of a form (``core.submit_once``). A builtin
(settings.TEMPLATES), written next to ``{% csrf_token %}`` in every POST form."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from forlop.core.submit_once import FIELD

register = template.Library()


@register.simple_tag
def submit_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
