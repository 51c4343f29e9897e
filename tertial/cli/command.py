"""What every tertial command shares: help and errors in the language the command runs in.

Django and argparse write their own parts of a command's help (the options every command
has, the headings, "usage:") in English; a tertial command's help is otherwise Swedish, so
those parts are given words of ours too, and an error is printed as its sentence alone.
argparse's own error messages ("the following arguments are required") stay as argparse
writes them.
"""

import argparse
import sys

from django.core.management.base import (
    BaseCommand,
    CommandError,
    DjangoHelpFormatter,
    SystemCheckError,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The arguments Django gives every command, in our words. --settings and --pythonpath are
# hidden: tertial has one settings module, and a person running tertial has no use for them.
BASE_ARGUMENT_HELP = {
    "help": _("visa den här hjälpen och avsluta"),
    "version": _("visa versionsnumret och avsluta"),
    "verbosity": _(
        "hur mycket som skrivs ut: 0 = det minsta, 1 = normalt, 2 = utförligt, 3 = mycket utförligt"
    ),
    "traceback": _("visa hela felspårningen (traceback) när kommandot stoppar med ett fel"),
    "no_color": _("skriv utan färger"),
    "force_color": _("skriv med färger även när utdata inte går till en terminal"),
    "skip_checks": _("hoppa över systemkontrollerna"),
}


class HelpFormatter(DjangoHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = str(_("användning: "))
        super().add_usage(usage, actions, groups, prefix)


class TertialCommand(BaseCommand):
    suppressed_base_arguments = {"--settings", "--pythonpath"}

    def create_parser(self, prog_name, subcommand, **kwargs):
        from tertial.cli import command_words

        kwargs.setdefault("formatter_class", HelpFormatter)
        parser = super().create_parser(prog_name, command_words(subcommand), **kwargs)
        # argparse needs str, not lazy text; the parser is made when the command runs, in the
        # language it runs in.
        parser.description = str(self.help)
        parser._positionals.title = str(_("argument"))
        parser._optionals.title = str(_("flaggor"))
        for action in parser._actions:
            if action.dest in BASE_ARGUMENT_HELP and action.help != argparse.SUPPRESS:
                action.help = BASE_ARGUMENT_HELP[action.dest]
            if isinstance(action.help, Promise):
                action.help = str(action.help)
            if isinstance(action.metavar, Promise):
                action.metavar = str(action.metavar)
        return parser

    def execute(self, *args, **options):
        # Django prints a command's error as "CommandError: …"; a person reads the sentence only.
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if (
                not self._called_from_command_line
                or options.get("traceback")
                or isinstance(error, SystemCheckError)
            ):
                raise
            self.stderr.write(str(error))
            sys.exit(error.returncode)
