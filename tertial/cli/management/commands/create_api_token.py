from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tertial.access.services import issue_token
from tertial.cli.arguments import organisation_by_slug
from tertial.core.errors import Refused


class Command(BaseCommand):
    help = "Create a read-only API token for one organisation and print it (shown only once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--name", required=True, help="what or whom the token is for")
        parser.add_argument("--created-by", help="user name of the person creating the token")

    def handle(self, *args, org: str, name: str, created_by: str | None, **options) -> None:
        organisation = organisation_by_slug(org)
        user = None
        if created_by:
            user = get_user_model().objects.filter(username=created_by).first()
            if user is None:
                raise CommandError(f"No user {created_by!r}.")
        try:
            token, secret = issue_token(organisation, name, actor=user)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Token {token.prefix}… for {organisation.slug} ({name}). It is not stored and cannot "
            "be shown again: copy it now."
        )
        self.stdout.write(secret)
