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
        from forlop.improvement.registration import AnnotationStore, NetworkScopes
        from forlop.measures import registry

        registry.register_scope_source(NetworkScopes())
        registry.register_note_store(AnnotationStore())
