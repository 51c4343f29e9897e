"""What each person wants to be told, and what was sent (so that a reminder goes once)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Preference(models.Model):
    """A person's choice of e-mails; without a row, every kind is sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminders = models.BooleanField(_("påminnelser före sista dag"), default=True)
    notices = models.BooleanField(
        _("besked när en verksamhet lämnas in eller skickas tillbaka och när rapporten godkänns"),
        default=True,
    )

    class Meta:
        verbose_name = _("val av e-post")
        verbose_name_plural = _("val av e-post")

    def __str__(self) -> str:
        return str(self.user)


class Sent(models.Model):
    """One message sent to one person, keyed so that the same reminder is sent once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("nyckel"), max_length=200)
    subject = models.CharField(_("ämne"), max_length=300)
    sent_at = models.DateTimeField(_("skickat"), auto_now_add=True)

    class Meta:
        verbose_name = _("skickat meddelande")
        verbose_name_plural = _("skickade meddelanden")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="sent_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
