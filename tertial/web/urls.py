"""The web app's addresses: a page per thing a person looks at, an action per form."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from tertial.web import stash
from tertial.web.views import (
    account,
    calendar,
    dashboard,
    goals,
    imports,
    investments,
    people,
    reports,
    texts,
    units,
)

PERIOD = "org/<slug:slug>/<str:key>/"
UNIT = PERIOD + "unit/<int:pk>/"
GOAL = PERIOD + "goal/<int:pk>/"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path(
        "login/",
        stash.SignInView.as_view(extra_context={"oidc_enabled": settings.OIDC_ENABLED}),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The link of an invitation: a new account's person chooses a password.
    path(
        "konto/losenord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("konto/", account.account_page, name="account"),
    path("o/<slug:slug>/", reports.public_organisation, name="public"),
    path("o/<slug:slug>/<str:key>/", reports.public_report, name="public_report"),
    path("org/<slug:slug>/", dashboard.organisation_page, name="organisation"),
    path(PERIOD, dashboard.dashboard, name="dashboard"),
    path(PERIOD + "deadlines/", dashboard.set_deadlines, name="deadlines"),
    path(PERIOD + "units/approve/", dashboard.approve_units, name="units_approve"),
    path(PERIOD + "calendar/", calendar.calendar_page, name="calendar"),
    path(PERIOD + "calendar/period/", calendar.create_period, name="calendar_period"),
    path(PERIOD + "calendar/year/", calendar.create_year, name="calendar_year"),
    path(UNIT, units.unit_page, name="unit"),
    path(UNIT + "forecast/", units.save_unit_forecast, name="unit_forecast"),
    path(UNIT + "submit/", units.submit_unit, name="unit_submit"),
    path(UNIT + "approve/", units.approve_unit, name="unit_approve"),
    path(UNIT + "return/", units.return_unit, name="unit_return"),
    path(UNIT + "value/<int:indicator>/", units.save_unit_value, name="unit_value"),
    path(GOAL, goals.goal_page, name="goal"),
    path(GOAL + "assessment/", goals.save_goal_assessment, name="goal_assessment"),
    path(GOAL + "value/<int:indicator>/", goals.save_goal_value, name="goal_value"),
    path(PERIOD + "texts/", texts.texts_page, name="texts"),
    path(PERIOD + "texts/section/<int:section>/", texts.save_section, name="text_section"),
    path(PERIOD + "texts/event/", texts.add_event, name="text_event_add"),
    path(PERIOD + "texts/event/<int:event>/", texts.save_event, name="text_event"),
    path(PERIOD + "texts/event/<int:event>/delete/", texts.delete_event, name="text_event_delete"),
    path(PERIOD + "texts/plan/", texts.add_plan, name="text_plan_add"),
    path(PERIOD + "texts/plan/<int:plan>/", texts.save_plan, name="text_plan"),
    path(PERIOD + "texts/plan/<int:plan>/delete/", texts.delete_plan, name="text_plan_delete"),
    path(PERIOD + "investments/", investments.investments_page, name="investments"),
    path(PERIOD + "investments/new/", investments.add_project, name="investment_add"),
    path(
        PERIOD + "investments/<int:project>/",
        investments.save_outcome,
        name="investment_outcome",
    ),
    path(
        PERIOD + "investments/<int:project>/frame/", investments.add_frame, name="investment_frame"
    ),
    path(PERIOD + "report/", reports.report_page, name="report"),
    path(PERIOD + "report/approve/", reports.approve_report, name="report_approve"),
    path(PERIOD + "report/publish/", reports.publish_report, name="report_publish"),
    path(PERIOD + "report/unlock/", reports.unlock_period, name="report_unlock"),
    path(PERIOD + "report/download/<str:fmt>/", reports.download, name="report_download"),
    path(PERIOD + "report/diff/", reports.edition_diff, name="report_diff"),
    path(PERIOD + "people/", people.people_page, name="people"),
    path(PERIOD + "people/invite/", people.invite_person, name="people_invite"),
    path(PERIOD + "people/<int:membership>/", people.change_role, name="people_role"),
    path(PERIOD + "people/<int:membership>/remove/", people.remove_role, name="people_remove"),
    path(PERIOD + "imports/", imports.imports_page, name="imports"),
    path(PERIOD + "imports/upload/", imports.upload, name="import_upload"),
    path(PERIOD + "imports/undo/<int:batch>/", imports.undo, name="import_undo"),
    path(PERIOD + "imports/alias/", imports.add_alias, name="import_alias"),
    path(PERIOD + "imports/job/<int:job>/", imports.job_progress, name="import_job"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
