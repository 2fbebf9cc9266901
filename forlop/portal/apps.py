from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The patient's own pages (/my/): a security boundary of its own (``boundary``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.portal"
    label = "portal"
    verbose_name = _("The patient's own pages")
