"""``tertial remind``: the day's reminders before the deadlines; run it once a day."""

from django.core.management.base import BaseCommand

from tertial.workflow.notices import send_reminders


class Command(BaseCommand):
    help = "Send today's reminders before the deadlines (each once); run it once a day."

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminders queued.")
