from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.measures"
    label = "measures"
    verbose_name = _("Measures")

    def ready(self) -> None:
        # The leaders' view carries the trial's measure per primary contact.
        from forlop.measures.leaders import leader_section
        from forlop.pathways import registry as engine_registry

        engine_registry.register_leader_section(
            engine_registry.LeaderSection(
                name="measures-per-employee",
                template="measures/_leader_section.html",
                load=leader_section,
            )
        )
