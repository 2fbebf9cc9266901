"""Admin for configuring the what-matters forms (per municipality, versioned, texts per
language). Clinical data (goals, scores) is written through the services, not the admin."""

from __future__ import annotations

from django.contrib import admin

from forlop.goals.models import (
    PortalAccount,
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


@admin.register(PortalAccount)
class PortalAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "relation", "authorised_by_patient_at"]
    raw_id_fields = ["user", "patient"]
