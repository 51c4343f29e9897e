"""tertial cleanup_imports: mark killed imports failed and remove what they left behind."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.cli.command import TertialCommand
from tertial.economy.services.jobs import clean_up_interrupted_imports


class Command(TertialCommand):
    help = gettext_lazy(
        "Markerar som misslyckade de importjobb vars process har avslutats (dödad, eller "
        "servern startades om) och tar bort deras uppladdade och tillfälliga filer; "
        "`tertial serve` gör det när den startar."
    )

    def handle(self, *args, **options):
        done = clean_up_interrupted_imports()
        self.stdout.write(
            _(
                "%(jobs)s avbrutna importjobb markerade som misslyckade; %(uploads)s uppladdade "
                "filer, %(folders)s tillfälliga mappar och %(rows)s sparade radfiler utan import "
                "borttagna."
            )
            % done
        )
