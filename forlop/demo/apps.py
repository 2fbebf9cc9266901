from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data and `forlop demo`: the composition root that may import every app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.demo"
    label = "demo"
    verbose_name = _("Demo data")
