from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.improvement"
    label = "improvement"
    verbose_name = _("Improvement")

    def ready(self) -> None:
        # Measures computes for scopes given as plain data and never imports this app: the
        # networks' scopes and the chart annotations reach it through its registry.
        from forlop.improvement import drafting
        from forlop.improvement.registration import AnnotationStore, Cycles, NetworkScopes
        from forlop.measures import registry

        registry.register_scope_source(NetworkScopes())
        registry.register_note_store(AnnotationStore())
        # The status report's PDSA section and the poster read the team's cycles.
        drafting.register_cycle_source(Cycles())
        # The leaders' view carries the team's aims, charts and open PDSA cycles.
        from forlop.improvement.registration import leader_section
        from forlop.pathways import registry as engine_registry

        engine_registry.register_leader_section(
            engine_registry.LeaderSection(
                name="improvement",
                template="improvement/_leader_section.html",
                load=leader_section,
            )
        )
