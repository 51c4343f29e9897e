"""tertial import ledger FILE --org ORG [--mapping NAME_OR_FILE] [--replace]"""

from django.utils.translation import gettext_lazy as _

from tertial.cli.management.commands._importing import ImportCommand
from tertial.economy.services.imports import LEDGER


class Command(ImportCommand):
    help = _(
        "Importerar en huvudboksexport för de månader den täcker; saldon som redan finns för "
        "dem ersätts bara med --replace."
    )
    kind = LEDGER
    default_mapping = "unit4-agresso"
