"""What the commands' arguments name, looked up once for all of them."""

from django.core.management.base import CommandError

from tertial.organisation import queries


def organisation_by_slug(slug: str):
    organisation = queries.organisation_by_slug(slug)
    if organisation is None:
        raise CommandError(f"ingen förvaltning med kortnamnet {slug!r}")
    return organisation
