"""What every tertial command shares: help and errors in the language the command runs in.

Django and argparse write their own parts of a command's help (the options every command
has, the headings, "usage:") and argparse its messages on arguments typed wrong in English; a
tertial command is otherwise Swedish, so those parts are given words of ours too, and an error
is printed as its sentence alone. argparse's rarer messages (an ambiguous abbreviation, two
options that exclude each other) stay as argparse writes them.
"""

import argparse
import re
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


# argparse's messages on arguments typed wrong, as Python 3.11+ words them, in our words.
ARGUMENT_ERRORS = [
    (
        re.compile(r"the following arguments are required: (?P<arguments>.+)"),
        _("det här saknas: %(arguments)s"),
    ),
    (
        re.compile(r"unrecognized arguments: (?P<arguments>.+)"),
        _("det här förstår tertial inte: %(arguments)s"),
    ),
    (
        re.compile(
            r"argument (?P<argument>\S+): invalid choice: (?P<value>.+) "
            r"\(choose from (?P<choices>.+)\)"
        ),
        _("%(argument)s kan inte vara %(value)s; välj ett av %(choices)s"),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): invalid int value: (?P<value>.+)"),
        _("%(argument)s ska vara ett heltal, inte %(value)s"),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): expected one argument"),
        _("%(argument)s behöver ett värde efter sig"),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): expected (?P<count>\d+) arguments"),
        _("%(argument)s behöver %(count)s värden efter sig"),
    ),
]


def argument_error(message: str) -> str:
    for pattern, words in ARGUMENT_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            return words % found.groupdict()
    return message


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
        parser.error = lambda message: self._argument_error(parser, message)
        return parser

    def _argument_error(self, parser, message: str):
        sentence = argument_error(message)
        if not parser.called_from_command_line:
            raise CommandError(sentence)
        parser.print_usage(sys.stderr)
        parser.exit(2, f"{parser.prog}: {sentence}\n")

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
