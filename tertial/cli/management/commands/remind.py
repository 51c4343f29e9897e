"""``tertial remind``: the day's reminders before the deadlines; run it once a day."""

from django.utils.translation import gettext_lazy, ngettext

from tertial.cli.command import TertialCommand
from tertial.workflow.notices import send_reminders


class Command(TertialCommand):
    help = gettext_lazy(
        "Skickar dagens påminnelser inför sista dagarna (var och en bara en gång); kör det en "
        "gång om dagen."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(
            ngettext(
                "%(count)d påminnelse ligger i kö för att skickas.",
                "%(count)d påminnelser ligger i kö för att skickas.",
                sent,
            )
            % {"count": sent}
        )
