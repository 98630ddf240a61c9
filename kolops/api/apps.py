from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kolops.api"
    label = "api"
    verbose_name = "API"
