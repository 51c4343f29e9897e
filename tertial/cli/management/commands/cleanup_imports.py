"""tertial cleanup_imports: mark killed imports failed and remove what they left behind."""

from django.core.management.base import BaseCommand

from tertial.economy.services.jobs import clean_up_interrupted_imports


class Command(BaseCommand):
    help = (
        "Mark failed the import jobs whose process has ended (killed, or the server "
        "restarted) and remove their uploads and temporary files; `tertial serve` does it "
        "at its start."
    )

    def handle(self, *args, **options):
        done = clean_up_interrupted_imports()
        self.stdout.write(
            f"{done['jobs']} avbrutna importjobb markerade som misslyckade; "
            f"{done['uploads']} uppladdade filer, {done['folders']} tillfälliga mappar och "
            f"{done['rows']} sparade radfiler utan import borttagna."
        )
