"""What every page's frame shows, from the settings."""

from django.conf import settings


def site(request) -> dict:
    # The AGPL asks a server running a changed tertial to offer its users the source.
    return {"source_url": settings.SOURCE_URL}
