"""``tertial budget --org ORG --year YEAR --unit CODE --class CODE --amount KRONOR --key KEY``:
a unit's budget of an account class for a year, as one year figure spread over the months by
a periodisation key; it replaces the unit's budget of that class and year, and is logged."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tertial.cli.arguments import organisation_by_slug
from tertial.core.errors import Refused
from tertial.core.numbers import NumberFormatError, parse_decimal
from tertial.economy.queries import account_class_by_code
from tertial.economy.services import set_year_budget
from tertial.organisation.queries import unit_by_code

KEYS = ("twelfths", "previous_year", "custom")


class Command(BaseCommand):
    help = "Set a unit's year budget of an account class, periodised by a key."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--year", required=True, type=int, help="The fiscal year.")
        parser.add_argument("--unit", required=True, help="The unit's code.")
        parser.add_argument(
            "--class", required=True, dest="account_class", help="The account class's code."
        )
        parser.add_argument(
            "--amount",
            required=True,
            help="The year's budget in kronor; revenues and costs both positive.",
        )
        parser.add_argument(
            "--key",
            choices=KEYS,
            default="twelfths",
            help="twelfths, previous_year (last year's monthly profile in the ledger) or custom.",
        )
        parser.add_argument(
            "--weights",
            default="",
            help='With --key custom: twelve weights, January first ("9 8 9 8 8 9 4 6 9 10 10 10").',
        )

    def handle(self, *args, org, year, unit, account_class, amount, key, weights, **options):
        organisation = organisation_by_slug(org)
        found_unit = unit_by_code(organisation, unit)
        if found_unit is None:
            raise CommandError(
                _("%(org)s har ingen verksamhet med koden %(code)s.") % {"org": org, "code": unit}
            )
        found_class = account_class_by_code(organisation, account_class)
        if found_class is None:
            raise CommandError(
                _("%(org)s har ingen kontoklass med koden %(code)s.")
                % {"org": org, "code": account_class}
            )
        if not 1900 < year < 2100:
            raise CommandError(_("--year: %(year)s är inget rimligt år.") % {"year": year})
        try:
            value = parse_decimal(amount)
        except NumberFormatError:
            raise CommandError(
                _("--amount: %(text)s är inget belopp.") % {"text": amount}
            ) from None
        if key == "custom":
            parts = weights.replace(";", " ").split()
            if len(parts) != 12:
                raise CommandError(
                    _("--weights: skriv tolv vikter, en per månad; du skrev %(count)s.")
                    % {"count": len(parts)}
                )
            try:
                chosen = [parse_decimal(p) for p in parts]
            except NumberFormatError as error:
                raise CommandError(f"--weights: {error}") from None
        elif weights:
            raise CommandError(_("--weights gäller bara --key custom."))
        else:
            chosen = key
        try:
            entries = set_year_budget(found_unit, found_class, year, value, chosen, actor=None)
        except Refused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Budget %(year)s för %(unit)s, %(class)s: %(months)s")
            % {
                "year": year,
                "unit": found_unit.name,
                "class": found_class.name,
                "months": " ".join(str(e.amount) for e in entries),
            }
        )
