from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The one-time form tokens are kept a while for double submits, then pruned by the
        # shared worker (`forlop worker`) every hour.
        from forlop.core import periodic
        from forlop.core.submit_once import submitted_forms_prune

        periodic.register(
            periodic.PeriodicJob(
                name="submitted-forms-prune",
                every_seconds=3600,
                run=lambda now, _worker: submitted_forms_prune(now=now),
            )
        )
