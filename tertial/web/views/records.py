"""Records: upload a file of records and follow its import (a background task,
tertial.ingest.records.tasks); an indicator computed from records, with the records behind
its value a page at a time and, for those who may edit the indicator, its definition."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import yaml
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.rules import Action, allowed, get_indicator_for, get_period_for
from tertial.core.formatting import format_number
from tertial.ingest.records.mapping import shipped_mappings
from tertial.ingest.records.tasks import create_job
from tertial.records import jobs, queries, services
from tertial.web.forms import UploadForm
from tertial.web.views.common import done, member_action, member_page, page_context

EXTENSIONS = ("csv", "xlsx", "parquet", "jsonl")
MAX_DEFINITION_CHARS = 4000


class RecordUploadForm(UploadForm):
    mapping = forms.ChoiceField(
        label=gettext_lazy("Filens layout (mappning)"),
        help_text=gettext_lazy("Vilket system filen kommer från."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("CSV, Excel (.xlsx), JSON lines (.jsonl) eller Parquet.")
        self.fields["mapping"].choices = [(name, name) for name in shipped_mappings()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in EXTENSIONS:
            raise forms.ValidationError(
                _("Bara filer av typ csv, xlsx, jsonl eller parquet kan läsas in.")
            )
        if upload.size > settings.TERTIAL_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (högst %(limit)s byte).")
                % {"limit": settings.TERTIAL_MAX_UPLOAD_BYTES}
            )
        return upload


class DefinitionForm(forms.Form):
    definition = forms.CharField(
        label=gettext_lazy("Definition (YAML)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_DEFINITION_CHARS,
        required=False,
        help_text=gettext_lazy(
            "Till exempel {kind: contacts, compute: share, where: {channel: phone}, "
            "of: {answered_within: 120}}. Tomt: indikatorn beräknas inte från poster."
        ),
    )


def _store_upload(upload) -> str:
    """Stream the upload to the data folder (never held in memory) and return its path."""
    folder = settings.DATA_DIR / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    extension = upload.name.rsplit(".", 1)[-1].lower()
    path = folder / f"{uuid.uuid4().hex}.{extension}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return str(path)


@member_page
def records_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_records(request, get_period_for(request, slug, key, Action.IMPORT))


def render_records(request, period, *, form=None, status: int = 200) -> HttpResponse:
    organisation = period.fiscal_year.organisation
    context = page_context(request, period, "imports")
    context.update(
        {
            "form": form or RecordUploadForm(),
            "jobs": jobs.recent(organisation),
            "batches": queries.batches(organisation)[:20],
            "defined": queries.defined_with_values(organisation, period.year, period.end_month),
            "max_bytes": settings.TERTIAL_MAX_UPLOAD_BYTES,
        }
    )
    return render(request, "web/records.html", context, status=status)


@member_action("records")
def record_upload(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    form = RecordUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_records(request, period, form=form, status=400)
    file = form.cleaned_data["file"]
    job = create_job(
        period.fiscal_year.organisation,
        _store_upload(file),
        mapping=form.cleaned_data["mapping"],
        source_name=file.name,
        user=request.user,
    )
    messages.success(request, _("Filen är uppladdad och importen startad."))
    return redirect(f"{request.page_url}?job={job.pk}")


@member_page
def record_job(request: HttpRequest, slug: str, key: str, job: int) -> HttpResponse:
    """The job's progress as a fragment; htmx polls it until the job is done or failed."""
    period = get_period_for(request, slug, key, Action.IMPORT)
    found = jobs.job(job, period.fiscal_year.organisation)
    if found is None:
        raise Http404
    context = page_context(request, period, "imports")
    context["job"] = found
    return render(request, "web/partials/record_job.html", context)


COLUMN_LABELS = {
    "file": gettext_lazy("Fil"),
    "line": gettext_lazy("Rad"),
    "id": gettext_lazy("Id (pseudonym)"),
    "at": gettext_lazy("Tid"),
    "unit": gettext_lazy("Enhet"),
    "channel": gettext_lazy("Kanal"),
    "category": gettext_lazy("Kategori"),
    "queue": gettext_lazy("Kö"),
    "question": gettext_lazy("Fråga"),
    "score": gettext_lazy("Betyg"),
    "gender": gettext_lazy("Kön"),
    "wait_seconds": gettext_lazy("Väntetid (s)"),
    "answered": gettext_lazy("Besvarat"),
    "abandoned": gettext_lazy("Tappat"),
    "first_contact": gettext_lazy("Löst vid första kontakt"),
    "on_time": gettext_lazy("I tid"),
    "supplier": gettext_lazy("Leverantör"),
    "amount": gettext_lazy("Belopp"),
    "e_invoice": gettext_lazy("E-faktura"),
    "e_commerce": gettext_lazy("E-handel"),
    "under_contract": gettext_lazy("Avtal"),
}


def _shown(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return format_number(Decimal(str(value)))
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _int(request: HttpRequest, name: str, default: int, highest: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return max(0, min(value, highest))


@member_page
def indicator_records(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    return render_indicator_records(request, period, get_indicator_for(request, period, pk))


def render_indicator_records(request, period, indicator, *, form=None, status=200):
    definition = queries.definition_of(indicator)
    computed = queries.computed_value(indicator, period.year, period.end_month)
    typed = queries.typed_value(indicator, period.year, period.end_month)
    part = request.GET.get("part") == "1"
    offset = _int(request, "offset", 0, 10**12)
    page = queries.records_behind(computed, offset=offset, part=part) if computed else None
    rows = [[_shown(row[column]) for column in page.columns] for row in page.rows] if page else []
    may_edit = allowed(request, Action.EDIT_INDICATOR, indicator)
    if form is None and may_edit:
        text = yaml.safe_dump(definition, allow_unicode=True, sort_keys=False) if definition else ""
        form = DefinitionForm(initial={"definition": text})
    context = page_context(request, period, "dashboard")
    context.update(
        {
            "indicator": indicator,
            "definition": definition,
            "computed": computed,
            "typed": typed,
            "page": page,
            "headers": [COLUMN_LABELS.get(c, c) for c in page.columns] if page else [],
            "rows": rows,
            "part": part,
            "previous_offset": max(0, offset - queries.PAGE_SIZE) if offset else None,
            "next_offset": offset + queries.PAGE_SIZE
            if page and offset + queries.PAGE_SIZE < page.total
            else None,
            "form": form if may_edit else None,
        }
    )
    return render(request, "web/indicator_records.html", context, status=status)


@member_action("indicator_records")
def save_definition(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    period = get_period_for(request, slug, key)
    found = get_indicator_for(request, period, pk, Action.EDIT_INDICATOR)
    form = DefinitionForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["definition"].strip()
        try:
            raw = yaml.safe_load(text) if text else None
        except yaml.YAMLError:
            form.add_error("definition", _("Texten är inte giltig YAML."))
        else:
            try:
                services.define_indicator(found, raw, actor=request.user)
            except ValidationError as error:
                form.add_error("definition", " ".join(error.messages))
            else:
                services.compute_values(period.fiscal_year.organisation, actor=request.user)
                return done(request, _("Definitionen är sparad och värdena beräknade."))
    return render_indicator_records(request, period, found, form=form, status=400)
