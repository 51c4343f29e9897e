"""Sending messages: composed here, sent through the task framework (Django's e-mail backend,
configured by TERTIAL_EMAIL_* variables), each kind only to people who have not turned it off.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from tertial.notifications.models import Preference, Sent

REMINDERS, NOTICES, ALWAYS = "reminders", "notices", "always"


def wants(user, kind: str) -> bool:
    """Whether ``user`` has an address and has not turned ``kind`` off."""
    if not user.email or not user.is_active:
        return False
    if kind == ALWAYS:
        return True
    preference = Preference.objects.filter(user=user).first()
    return preference is None or getattr(preference, kind)


def preferences_of(user) -> dict[str, bool]:
    """The person's choices; every kind is on until they turn it off."""
    preference = Preference.objects.filter(user=user).first()
    if preference is None:
        return {REMINDERS: True, NOTICES: True}
    return {REMINDERS: preference.reminders, NOTICES: preference.notices}


def set_preferences(user, *, reminders: bool, notices: bool) -> None:
    Preference.objects.update_or_create(
        user=user, defaults={"reminders": reminders, "notices": notices}
    )


def notify(users: Iterable, kind: str, template: str, context: dict, *, key: str = "") -> int:
    """Send the message ``template`` (notifications/<template>.txt: a subject line, an empty
    line, the body) to each of ``users`` who wants ``kind``; with ``key``, at most once per
    person (a reminder). Returns how many were queued. Queued when the caller's transaction
    commits, so a rolled back change sends nothing."""
    queued = 0
    for user in users:
        if not wants(user, kind):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string(
                f"notifications/{template}.txt",
                {**context, "user": user, "site_url": settings.SITE_URL},
            )
        subject, _blank, body = text.strip().partition("\n\n")
        subject = " ".join(subject.split())[:300]
        if key:
            try:
                with transaction.atomic():
                    Sent.objects.create(user=user, key=key[:200], subject=subject)
            except IntegrityError:
                continue  # sent before
        address = user.email
        transaction.on_commit(
            lambda address=address, subject=subject, body=body: send_message.enqueue(
                address, subject, body.strip() + "\n"
            )
        )
        queued += 1
    return queued


@task()
def send_message(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [address])
