"""The admin site: Django's own, refusing a malformed selection with a sentence.

Django's admin filters the rows an action is for by the ids posted in ``_selected_action``
as they come: an id that is not a number ends in a ValueError, a 500, for whoever sent it.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

# Every number of this many digits fits a BigAutoField; ids are far shorter.
MAX_ID_DIGITS = 18


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            if request.method == "POST":
                selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
                if not all(_is_id(value) for value in selected):
                    return HttpResponseBadRequest(
                        _("Markeringen innehåller något som inte är ett radnummer.")
                    )
            return checked(request, *args, **kwargs)

        return inner
