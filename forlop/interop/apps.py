from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.interop"
    label = "interop"
    verbose_name = _("Interoperability")

    def ready(self) -> None:
        # Templates travel: the export and import buttons on authoring's template pages.
        from forlop.interop.pages.links import register

        register()
