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
from tertial.ingest.ledger.mapping import shipped_mappings
from tertial.ingest.tasks import create_job
from tertial.organisation.models import Unit
from tertial.web.forms import UploadForm
from tertial.web.stash import login_required_keep_post
from tertial.web.views import page_context


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
    folder = settings.DATA_DIR / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    extension = upload.name.rsplit(".", 1)[-1].lower()
    path = folder / f"{uuid.uuid4().hex}.{extension}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return str(path)


@login_required_keep_post
def imports_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    period = get_period_for(request, slug, key, Action.IMPORT)
    organisation = period.fiscal_year.organisation
    form = ImportForm()
    alias_form = AliasForm(organisation=organisation)
    status = 200
    if request.method == "POST":
        name = request.POST.get("form")
        if name == "upload":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                job = create_job(
                    organisation,
                    _store_upload(upload),
                    kind=form.cleaned_data["kind"],
                    mapping=form.cleaned_data["mapping"],
                    source_name=upload.name,
                    user=request.user,
                    replace=form.cleaned_data["replace"],
                )
                messages.success(request, _("Filen är uppladdad och importen startad."))
                return redirect(f"{request.path}?job={job.pk}")
            status = 400
        elif name == "undo":
            batch = get_object_or_404(
                ImportBatch, pk=request.POST.get("batch"), organisation=organisation
            )
            try:
                undo_import(batch, actor=request.user)
            except ValueError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Importen är ångrad. Dess månader står utan värden "
                        "tills en ny fil läses in."
                    ),
                )
            return redirect(request.path)
        elif name == "alias":
            alias_form = AliasForm(request.POST, organisation=organisation)
            if alias_form.is_valid():
                try:
                    add_unit_alias(
                        organisation,
                        alias_form.cleaned_data["source_code"],
                        alias_form.cleaned_data["unit"],
                        actor=request.user,
                    )
                except ValueError as error:
                    alias_form.add_error("source_code", str(error))
                else:
                    messages.success(request, _("Koden är tillagd. Läs in filen igen."))
                    return redirect(request.path)
            status = 400
        else:
            return HttpResponse(status=400)
    context = page_context(request, period, "imports")
    context.update(
        {
            "form": form,
            "alias_form": alias_form,
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


@login_required_keep_post
def job_progress(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    """The job's progress as a fragment; htmx polls it until the job is done or failed."""
    period = get_period_for(request, slug, key, Action.IMPORT)
    job = get_object_or_404(ImportJob, pk=pk, organisation=period.fiscal_year.organisation)
    context = page_context(request, period, "imports")
    context["job"] = job
    return render(request, "web/partials/job.html", context)
