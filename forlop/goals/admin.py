"""Admin for configuring the what-matters forms (per municipality, versioned, texts per
language). Clinical data (goals, scores) and portal accounts are written through the services
and Forløp's own pages, not the admin."""

from __future__ import annotations

from django.contrib import admin

from forlop.goals.models import (
    WhatMattersForm,
    WhatMattersFormVersion,
    WhatMattersQuestion,
)


class WhatMattersQuestionInline(admin.TabularInline):
    model = WhatMattersQuestion
    extra = 0


@admin.register(WhatMattersForm)
class WhatMattersFormAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]


@admin.register(WhatMattersFormVersion)
class WhatMattersFormVersionAdmin(admin.ModelAdmin):
    list_display = ["form", "number", "published", "max_goals", "direction", "threshold"]
    list_filter = ["published", "direction"]
    inlines = [WhatMattersQuestionInline]
