from django.urls import path

from tertial.api import records, views

app_name = "api"

period = "v1/organisations/<slug:slug>/periods/<str:key>/"

urlpatterns = [
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path(period + "goals", views.goals, name="goals"),
    path(period + "assessments", views.assessments, name="assessments"),
    path(period + "indicators", views.indicators, name="indicators"),
    path(period + "indicators/values", views.indicator_values, name="indicator-values"),
    path(period + "ledger/rows", views.ledger_rows, name="ledger-rows"),
    path(period + "indicators/computed", records.computed_values, name="computed-values"),
    path(
        period + "indicators/<str:code>/records",
        records.indicator_records,
        name="indicator-records",
    ),
    path(period + "economy/<str:table>", views.economy_table, name="economy-table"),
]
