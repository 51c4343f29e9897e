"""What the commands' arguments name, looked up once for all of them."""

from django.core.management.base import CommandError

from tertial.organisation.models import Organisation


def organisation_by_slug(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise CommandError(f"ingen förvaltning med kortnamnet {slug!r}") from None
