"""A person's own page: which e-mails they get."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.notifications.services import preferences_of, set_preferences
from tertial.web.forms import RENDERER


class PreferencesForm(forms.Form):
    default_renderer = RENDERER

    reminders = forms.BooleanField(
        label=gettext_lazy("Påminnelser några dagar före en sista dag"), required=False
    )
    notices = forms.BooleanField(
        label=gettext_lazy(
            "Besked när en verksamhet lämnas in eller skickas tillbaka och när rapporten godkänns"
        ),
        required=False,
    )


def account_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            set_preferences(request.user, **form.cleaned_data)
            messages.success(request, _("Dina val är sparade."))
            return redirect("account")
    else:
        form = PreferencesForm(initial=preferences_of(request.user))
    return render(request, "web/account.html", {"form": form})
