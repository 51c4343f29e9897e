"""Fixtures of the workflow tests."""

import pytest
from django.core import mail

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def outbox(settings, people, django_capture_on_commit_callbacks):
    """Messages as sent, the people given addresses; ``outbox(change)`` runs ``change`` and
    returns the addresses written to."""
    settings.TASKS = IMMEDIATE
    for user in vars(people).values():
        if hasattr(user, "email"):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])

    def sent(change) -> list[str]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return sorted(address for message in mail.outbox for address in message.to)

    return sent
