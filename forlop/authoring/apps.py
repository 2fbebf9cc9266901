from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthoringConfig(AppConfig):
    """Template authoring: the shipped templates, copies, drafts, publishing, comparing
    versions and moving running pathways. The template models belong to the engine
    (``forlop.pathways``), which runs them; this app writes them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.authoring"
    label = "authoring"
    verbose_name = _("Pathway templates")
