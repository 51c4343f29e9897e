"""tertial import ledger FILE --org ORG [--mapping NAME_OR_FILE] [--replace]"""

from tertial.cli.management.commands._importing import ImportCommand
from tertial.economy.services.imports import LEDGER


class Command(ImportCommand):
    help = "Importerar en huvudboksexport och ersätter saldona för de månader den täcker."
    kind = LEDGER
    default_mapping = "unit4-agresso"
