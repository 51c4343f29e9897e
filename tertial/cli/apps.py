from django.apps import AppConfig


class CliConfig(AppConfig):
    """The ``tertial`` command: each sub-command is one of this app's management commands."""

    name = "tertial.cli"
