"""What the commands' arguments name, looked up once for all of them."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tertial.organisation import queries


def organisation_by_slug(slug: str):
    organisation = queries.organisation_by_slug(slug)
    if organisation is None:
        raise CommandError(
            _("Det finns ingen förvaltning med kortnamnet '%(slug)s'.") % {"slug": slug}
        )
    return organisation
