"""Indicator values from Kolada, the open database of Swedish municipalities' key figures.

Kolada's API (v2 and v3 share the shapes read here) answers with JSON:

- kpi responses: ``{"values": [{"id": "N00945", "title": …, "description": …,
  "has_ou_data": false, "is_divided_by_gender": 1, …}]}``
- data responses: ``{"values": [{"kpi": "N00945", "municipality": "0580", "period": 2019,
  "values": [{"gender": "T", "status": "", "value": 12.3}, {"gender": "K", "value": null}]}]}``
  and the organisational-unit variant with ``"ou": "V15E058000301"`` instead of
  ``"municipality"``. Long answers carry ``next_page`` (v2) or ``next_url`` (v3).

``parse`` reads such a response (a file or a live answer alike); ``import_response`` has it
stored through ``tertial.goals.services.store_kolada``: every value of every municipality and
unit as a KoladaValue, kept for comparison, and the organisation's own values also as values
of the indicators mapped to the KPI (``Indicator.kolada_kpi``), per year and gender, with
source "Kolada <kpi> <municipality>". A null value is missing (I.U.), never 0.

Which values are the organisation's own is set in Organisation.settings:
``kolada_municipality`` (the municipality id, "0580" for Linköping) and/or ``kolada_ou`` (an
organisational unit id). Where Kolada has both for a KPI and year, the unit's value is used:
it is the closer measure of the administration.

``KoladaClient`` is the thin live client over the same parser (urllib; base URL from
TERTIAL_KOLADA_URL, default https://api.kolada.se/v2).
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tertial.core.evaluation import validate_value
from tertial.core.numbers import EXACT_DIGITS, VALUE_DIGITS, storage_problem
from tertial.goals.services import (
    ACTUAL,
    KoladaFigure,
    KpiDescription,
    ValueRow,
    indicators_by_code,
    store_kolada,
)
from tertial.platform.i18n import translated

DEFAULT_BASE_URL = "https://api.kolada.se/v2"
GENDERS = ("T", "K", "M")


class KoladaFormatError(ValueError):
    pass


@dataclass
class Response:
    kpis: list[KpiDescription] = field(default_factory=list)
    points: list[KoladaFigure] = field(default_factory=list)
    next_page: str = ""


def loads(text: str | bytes) -> Any:
    """JSON with exact decimals: 12.3 stays Decimal("12.3"), never a float."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise KoladaFormatError(_("inte JSON: %(error)s") % {"error": exc}) from exc


def parse(document: Any) -> Response:
    """Read a kpi or data response (already loaded JSON, or its text)."""
    if isinstance(document, str | bytes):
        document = loads(document)
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        raise KoladaFormatError(_('väntade ett objekt med en lista "values", som Kolada svarar'))
    response = Response(next_page=document.get("next_page") or document.get("next_url") or "")
    for i, entry in enumerate(document["values"]):
        where = f"values[{i}]"
        if not isinstance(entry, dict):
            raise KoladaFormatError(_("%(where)s: väntade ett objekt") % {"where": where})
        if "kpi" in entry and "values" in entry:
            response.points.extend(_data_points(entry, where))
        elif "id" in entry and "title" in entry:
            response.kpis.append(
                KpiDescription(
                    id=_text(entry, "id", where),
                    title=_text(entry, "title", where),
                    description=str(entry.get("description") or ""),
                    has_ou_data=bool(entry.get("has_ou_data")),
                    is_divided_by_gender=bool(entry.get("is_divided_by_gender")),
                )
            )
        else:
            raise KoladaFormatError(
                _("%(where)s: varken ett nyckeltal (id, title) eller data (kpi, period, values)")
                % {"where": where}
            )
    return response


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise KoladaFormatError(_("%(where)s: väntade en text") % {"where": f"{where}.{key}"})
    return value.strip()


def _data_points(entry: dict, where: str) -> Iterable[KoladaFigure]:
    kpi = _text(entry, "kpi", where)
    if "ou" in entry:
        municipality, ou = "", _text(entry, "ou", where)
    else:
        municipality, ou = _text(entry, "municipality", where), ""
    period = entry.get("period")
    try:
        year = int(period)
    except (TypeError, ValueError) as exc:
        raise KoladaFormatError(
            _("%(where)s.period: väntade ett år, fick %(period)s")
            % {"where": where, "period": repr(period)}
        ) from exc
    if not 1900 < year < 2100:
        raise KoladaFormatError(
            _("%(where)s.period: %(year)s är inte ett rimligt år") % {"where": where, "year": year}
        )
    if not isinstance(entry["values"], list):
        raise KoladaFormatError(_("%(where)s.values: väntade en lista") % {"where": where})
    for j, item in enumerate(entry["values"]):
        place = f"{where}.values[{j}]"
        if not isinstance(item, dict):
            raise KoladaFormatError(_("%(where)s: väntade ett objekt") % {"where": place})
        gender = item.get("gender")
        if gender not in GENDERS:
            raise KoladaFormatError(
                _("%(where)s.gender: väntade T, K eller M, fick %(gender)s")
                % {"where": place, "gender": repr(gender)}
            )
        value = item.get("value")
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise KoladaFormatError(
                    _("%(where)s.value: väntade ett tal eller null") % {"where": place}
                )
            value = Decimal(value)
            if storage_problem(value, VALUE_DIGITS):
                raise KoladaFormatError(
                    _(
                        "%(where)s.value: %(value)s kan inte lagras exakt (högst %(decimals)s "
                        "decimaler och %(digits)s siffror)"
                    )
                    % {
                        "where": place,
                        "value": value,
                        "decimals": VALUE_DIGITS[1],
                        "digits": EXACT_DIGITS,
                    }
                )
        yield KoladaFigure(
            kpi, municipality, ou, year, gender, value, str(item.get("status") or "")
        )


# ---- Storing ------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    kpis: int = 0
    values: int = 0  # KoladaValue rows, every municipality and unit
    indicator_values: int = 0  # the organisation's own values stored on indicators
    unmapped_kpis: list[str] = field(default_factory=list)  # own data without an indicator

    def __str__(self) -> str:
        text = _(
            "%(kpis)s nyckeltal, %(values)s värden i Kolada, %(indicator_values)s indikatorvärden"
        ) % {"kpis": self.kpis, "values": self.values, "indicator_values": self.indicator_values}
        if self.unmapped_kpis:
            text += _("; ingen indikator har kolada_kpi %(kpis)s") % {
                "kpis": ", ".join(self.unmapped_kpis)
            }
        return text


def own_areas(organisation, municipality: str = "", ou: str = "") -> tuple[str, str]:
    """The organisation's municipality and unit ids: arguments first, then its settings."""
    settings = organisation.settings or {}
    municipality = municipality or str(settings.get("kolada_municipality") or "")
    ou = ou or str(settings.get("kolada_ou") or "")
    return municipality.strip(), ou.strip()


def import_response(
    organisation,
    response: Response,
    *,
    actor=None,
    municipality: str = "",
    ou: str = "",
    source_name: str = "",
) -> ImportSummary:
    """Store a parsed response; refuses values impossible for the mapped indicator's measure."""
    municipality, ou = own_areas(organisation, municipality, ou)
    if response.points and not (municipality or ou):
        raise ValidationError(
            _(
                'Ange förvaltningens Kolada-kommun (settings.kolada_municipality, t.ex. "0580") '
                "eller organisatoriska enhet (settings.kolada_ou)."
            )
        )
    indicators: dict[str, list] = {}
    for indicator in indicators_by_code(organisation).values():
        if indicator.kolada_kpi:
            indicators.setdefault(indicator.kolada_kpi, []).append(indicator)

    own: dict[tuple[str, int, str], KoladaFigure] = {}
    for point in response.points:
        if point.ou and point.ou == ou:
            own[(point.kpi, point.year, point.gender)] = point
        elif not point.ou and point.municipality == municipality:
            own.setdefault((point.kpi, point.year, point.gender), point)

    errors = []
    rows: list[ValueRow] = []
    for (kpi, _year, _gender), point in sorted(own.items()):
        area = point.ou or point.municipality
        for indicator in indicators.get(kpi, []):
            problem = validate_value(indicator.measure, point.value)
            if problem:
                where = f"{kpi} {area} {point.year} {point.gender} → {indicator.code}"
                errors.append(f"{where}: {translated(problem)}")
            rows.append(
                ValueRow(
                    indicator,
                    point.year,
                    12,
                    ACTUAL,
                    point.gender,
                    point.value,
                    source=f"Kolada {point.kpi} {area}",
                )
            )
    if errors:
        raise ValidationError(errors)
    store_kolada(
        organisation,
        kpis=response.kpis,
        figures=response.points,
        values=rows,
        actor=actor,
        source_name=source_name,
    )
    return ImportSummary(
        kpis=len(response.kpis),
        values=len(response.points),
        indicator_values=len(rows),
        unmapped_kpis=sorted({kpi for kpi, _, _ in own} - set(indicators)),
    )


# ---- The live client ----------------------------------------------------------------------


class KoladaClient:
    """Kolada's HTTP API, read through the same parser as the files."""

    def __init__(self, base_url: str | None = None, *, timeout: float = 30):
        self.base_url = (
            base_url or os.environ.get("TERTIAL_KOLADA_URL") or DEFAULT_BASE_URL
        ).rstrip("/")
        self.timeout = timeout

    def get(self, path_or_url: str) -> Response:
        url = path_or_url if "://" in path_or_url else f"{self.base_url}/{path_or_url.lstrip('/')}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
            return parse(loads(answer.read()))

    def _all_pages(self, path: str) -> Response:
        response = self.get(path)
        result = Response(list(response.kpis), list(response.points))
        while response.next_page:
            response = self.get(response.next_page)
            result.kpis.extend(response.kpis)
            result.points.extend(response.points)
        return result

    def kpis(self, ids: Iterable[str]) -> Response:
        return self._all_pages(f"kpi/{_join(ids)}")

    def data(
        self, kpis: Iterable[str], municipalities: Iterable[str], years: Iterable[int]
    ) -> Response:
        return self._all_pages(
            f"data/kpi/{_join(kpis)}/municipality/{_join(municipalities)}/year/{_join(years)}"
        )

    def ou_data(self, kpis: Iterable[str], ous: Iterable[str], years: Iterable[int]) -> Response:
        return self._all_pages(f"oudata/kpi/{_join(kpis)}/ou/{_join(ous)}/year/{_join(years)}")


def _join(items: Iterable[Any]) -> str:
    return ",".join(urllib.parse.quote(str(item).strip(), safe="") for item in items)
