"""A link from an indicator's value to the records it is computed from, or for those who may
edit the indicator to where a definition over records is given."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tertial.access.rules import Action, allowed
from tertial.records.queries import defined_indicator_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def records_link(context, indicator, period) -> str:
    # The organisation's indicators computed from records, read once per page.
    key = ("records_link", period.fiscal_year.organisation_id)
    ids = context.render_context.get(key)
    if ids is None:
        ids = context.render_context[key] = defined_indicator_ids(key[1])
    if indicator.pk in ids:
        text = _("Beräknat från poster: visa posterna bakom värdet")
    elif not period.is_locked and allowed(context["request"], Action.EDIT_INDICATOR, indicator):
        text = _("Beräkna värdet från poster")
    else:
        return ""
    url = reverse(
        "indicator_records",
        args=[period.fiscal_year.organisation.slug, period.key, indicator.pk],
    )
    return format_html('<p><a href="{}">{}</a></p>', url, text)
