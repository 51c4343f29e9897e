"""Kolada's answers read from a file on the import page: the KPIs and values of every
municipality in it kept for comparison, the organisation's own values stored on the
indicators mapped to the KPIs (tertial.ingest.kolada), all or nothing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.rules import Action, get_period_for
from tertial.ingest import kolada
from tertial.web.views.common import done, member_action, refused

# Kolada's answers are small: a year of one KPI for every municipality is some 100 kB.
MAX_BYTES = 20 * 1024**2


class KoladaFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Kolada-svar (JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("%(name)s är för stor för ett Kolada-svar (högst %(limit)s MB).")
                % {"name": upload.name, "limit": MAX_BYTES // 1024**2}
            )
        return upload


@member_action("imports")
def import_kolada_file(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    form = KoladaFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return refused(request, " ".join(m for ms in form.errors.values() for m in ms))
    upload = form.cleaned_data["file"]
    try:
        response = kolada.parse(upload.read())
        summary = kolada.import_response(
            period.organisation, response, actor=request.user, source_name=upload.name
        )
    except kolada.KoladaFormatError as error:
        return refused(
            request,
            _("%(name)s är inget svar från Kolada: %(problem)s. Inget är inläst.")
            % {"name": upload.name, "problem": error},
        )
    except ValidationError as error:
        return refused(
            request,
            _("%(name)s: %(problems)s. Inget är inläst.")
            % {"name": upload.name, "problems": "; ".join(error.messages)},
        )
    return done(
        request,
        _(
            "%(name)s är inläst från Kolada: %(kpis)s nyckeltal, %(values)s värden att "
            "jämföra med och %(own)s egna indikatorvärden."
        )
        % {
            "name": upload.name,
            "kpis": summary.kpis,
            "values": summary.values,
            "own": summary.indicator_values,
        },
    )
