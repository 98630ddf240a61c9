from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KolsConfig(AppConfig):
    name = "kolops.kols"
    label = "kols"
    verbose_name = _("KOL database")
