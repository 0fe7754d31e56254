from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "territori.demo"
    label = "demo"
    verbose_name = "Demo data"
