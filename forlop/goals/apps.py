from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.goals"
    label = "goals"
    verbose_name = _("What matters")

    def ready(self) -> None:
        # Plug "what matters" into the pathway engine, which does not import goals.
        from forlop.goals import plugins, signals

        plugins.register()
        signals.connect()
