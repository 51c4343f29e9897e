from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "tertial.platform"
    label = "platform"
