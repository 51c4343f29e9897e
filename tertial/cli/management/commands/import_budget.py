"""tertial import budget FILE --org ORG [--mapping NAME_OR_FILE] [--replace]"""

from tertial.cli.management.commands._importing import ImportCommand
from tertial.economy.services.imports import BUDGET


class Command(ImportCommand):
    help = "Importerar en budgetfil och ersätter budgeten för de månader den täcker."
    kind = BUDGET
    default_mapping = "tertial-budget"
