from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kolops.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .tasks import purge_schedule_after_migrate

        # `kolops migrate` starts the daily removal of expired uploads (kolops.core.uploads).
        post_migrate.connect(purge_schedule_after_migrate, sender=self, dispatch_uid="kolops-purge-uploads")
