from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.services import issue_token
from tertial.cli.arguments import organisation_by_slug
from tertial.cli.command import TertialCommand
from tertial.core.errors import Refused


class Command(TertialCommand):
    help = gettext_lazy(
        "Skapar en API-token med läsrätt för en förvaltning och skriver ut den (den visas bara "
        "en gång)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--org",
            required=True,
            metavar=gettext_lazy("KORTNAMN"),
            help=gettext_lazy("förvaltningens kortnamn, t.ex. vss"),
        )
        parser.add_argument(
            "--name",
            required=True,
            metavar=gettext_lazy("NAMN"),
            help=gettext_lazy("vad eller vem token är till för"),
        )
        parser.add_argument(
            "--created-by",
            metavar=gettext_lazy("ANVÄNDARNAMN"),
            help=gettext_lazy("användarnamnet på den som skapar token"),
        )

    def handle(self, *args, org: str, name: str, created_by: str | None, **options) -> None:
        organisation = organisation_by_slug(org)
        user = None
        if created_by:
            user = get_user_model().objects.filter(username=created_by).first()
            if user is None:
                raise CommandError(
                    _("Det finns ingen användare med användarnamnet '%(username)s'.")
                    % {"username": created_by}
                )
        try:
            token, secret = issue_token(organisation, name, actor=user)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            _(
                "Token %(prefix)s… för %(organisation)s (%(name)s). Den sparas inte och kan inte "
                "visas igen: kopiera den nu."
            )
            % {"prefix": token.prefix, "organisation": organisation.slug, "name": name}
        )
        self.stdout.write(secret)
