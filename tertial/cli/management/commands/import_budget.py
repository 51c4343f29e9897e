"""tertial import budget FILE --org ORG [--mapping NAME_OR_FILE] [--replace]"""

from django.utils.translation import gettext_lazy as _

from tertial.cli.management.commands._importing import ImportCommand
from tertial.economy.services.imports import BUDGET


class Command(ImportCommand):
    help = _(
        "Importerar en budgetfil för de månader den täcker; budget som redan finns för dem "
        "ersätts bara med --replace."
    )
    kind = BUDGET
    default_mapping = "tertial-budget"
