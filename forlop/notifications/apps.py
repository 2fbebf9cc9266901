from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forlop.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The shared worker (`forlop worker`, in core) runs the periodic jobs registered with it;
        # core never imports this app.
        from forlop.core import outbox, periodic
        from forlop.notifications import channels
        from forlop.notifications.jobs import notifications_tick

        periodic.register(
            periodic.PeriodicJob(name="notifications", every_seconds=60, run=notifications_tick)
        )
        # Apps beside this one (improvement's invitations) send e-mail through core.outbox.
        outbox.register(channels.email())
