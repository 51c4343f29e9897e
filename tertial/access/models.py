"""Who may do what in which organisation: one membership per person and organisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tertial.organisation.models import Organisation, Unit


class Membership(models.Model):
    """A person's role in one organisation; unit heads also name the units they answer for."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("administratör")
        CONTROLLER = "controller", _("controller")
        # The head of administration (förvaltningschef) approves and publishes the report;
        # a role of its own rather than a flag, so that approving is never a side effect of
        # being able to edit everything.
        HEAD = "head", _("förvaltningschef")
        UNIT_HEAD = "unit_head", _("verksamhetschef")
        READER = "reader", _("läsare")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="memberships",
        verbose_name=_("verksamheter"),
        help_text=_("De verksamheter en verksamhetschef ansvarar för."),
    )

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
