"""tertial import budget FILE --org ORG [--mapping NAME_OR_FILE] [--replace]"""

from tertial.cli.management.commands._importing import ImportCommand
from tertial.economy.models import ImportBatch


class Command(ImportCommand):
    help = "Importerar en budgetfil och ersätter budgeten för de månader den täcker."
    kind = ImportBatch.Kind.BUDGET
    default_mapping = "tertial-budget"
