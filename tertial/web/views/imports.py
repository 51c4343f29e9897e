"""Imports: upload a ledger or budget file, follow its progress, see errors by line, add
unknown unit codes as aliases, undo a batch. The import itself runs as a background task
(tertial.ingest.tasks); the page polls the job with htmx."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tertial.access.rules import Action, get_period_for
from tertial.economy.models import ImportBatch, ImportJob, UnitCodeAlias
from tertial.economy.services.imports import add_unit_alias, undo_import
from tertial.economy.services.jobs import uploads_dir
from tertial.ingest.ledger.mapping import shipped_mappings
from tertial.ingest.tasks import create_job
from tertial.organisation.models import Unit
from tertial.web.forms import UploadForm, too_large_message
from tertial.web.views.common import done, member_action, member_page, page_context, refused


class ImportForm(UploadForm):
    kind = forms.ChoiceField(label=gettext_lazy("Slag"), choices=ImportBatch.Kind.choices)
    mapping = forms.ChoiceField(
        label=gettext_lazy("Filens layout (mappning)"),
        help_text=gettext_lazy("Vilket ekonomisystem filen kommer från."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Ersätt det som redan finns för filens månader"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [(name, name) for name in shipped_mappings()]
        self.fields["mapping"].initial = "tertial"


class AliasForm(forms.Form):
    source_code = forms.CharField(label=gettext_lazy("Kod i filen"), max_length=40)
    unit = forms.ModelChoiceField(label=gettext_lazy("Verksamhet"), queryset=Unit.objects.none())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.all()


def _store_upload(upload) -> str:
    """Stream the upload to the data folder (never held in memory) and return its path."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    extension = upload.name.rsplit(".", 1)[-1].lower()
    path = folder / f"{uuid.uuid4().hex}.{extension}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return str(path)


@member_page
def imports_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return render_imports(request, get_period_for(request, slug, key, Action.IMPORT))


def render_imports(
    request: HttpRequest,
    period,
    *,
    form: ImportForm | None = None,
    alias_form: AliasForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = period.fiscal_year.organisation
    context = page_context(request, period, "imports")
    context.update(
        {
            "form": form or ImportForm(),
            "alias_form": alias_form or AliasForm(organisation=organisation),
            "jobs": ImportJob.objects.filter(organisation=organisation).order_by("-created_at")[
                :10
            ],
            "batches": ImportBatch.objects.filter(organisation=organisation)[:20],
            "aliases": UnitCodeAlias.objects.filter(organisation=organisation).select_related(
                "unit"
            ),
            "max_bytes": settings.TERTIAL_MAX_UPLOAD_BYTES,
        }
    )
    return render(request, "web/imports.html", context, status=status)


@member_action("imports")
def upload(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    form = ImportForm(request.POST, request.FILES)
    if getattr(request, "upload_refused", None) is not None:
        form.is_valid()
        form.add_error("file", too_large_message())
        return render_imports(request, period, form=form, status=413)
    if not form.is_valid():
        return render_imports(request, period, form=form, status=400)
    file = form.cleaned_data["file"]
    job = create_job(
        period.fiscal_year.organisation,
        _store_upload(file),
        kind=form.cleaned_data["kind"],
        mapping=form.cleaned_data["mapping"],
        source_name=file.name,
        user=request.user,
        replace=form.cleaned_data["replace"],
    )
    messages.success(request, _("Filen är uppladdad och importen startad."))
    return redirect(f"{request.page_url}?job={job.pk}")


@member_action("imports")
def undo(request: HttpRequest, slug: str, key: str, batch: int) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    found = get_object_or_404(ImportBatch, pk=batch, organisation=period.fiscal_year.organisation)
    try:
        undo_import(found, actor=request.user)
    except ValueError as error:
        return refused(request, str(error))
    return done(
        request,
        _("Importen är ångrad. Dess månader står utan värden tills en ny fil läses in."),
    )


@member_action("imports")
def add_alias(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    organisation = period.fiscal_year.organisation
    form = AliasForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            add_unit_alias(
                organisation,
                form.cleaned_data["source_code"],
                form.cleaned_data["unit"],
                actor=request.user,
            )
        except ValueError as error:
            form.add_error("source_code", str(error))
        else:
            return done(request, _("Koden är tillagd. Läs in filen igen."))
    return render_imports(request, period, alias_form=form, status=400)


@member_page
def job_progress(request: HttpRequest, slug: str, key: str, job: int) -> HttpResponse:
    """The job's progress as a fragment; htmx polls it until the job is done or failed."""
    period = get_period_for(request, slug, key, Action.IMPORT)
    job = get_object_or_404(ImportJob, pk=job, organisation=period.fiscal_year.organisation)
    context = page_context(request, period, "imports")
    context["job"] = job
    return render(request, "web/partials/job.html", context)
