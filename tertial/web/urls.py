from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from tertial.web import import_views, report_views, views

PERIOD = "org/<slug:slug>/<str:key>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(extra_context={"oidc_enabled": settings.OIDC_ENABLED}),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("o/<slug:slug>/", report_views.public_organisation, name="public"),
    path("o/<slug:slug>/<str:key>/", report_views.public_report, name="public_report"),
    path("org/<slug:slug>/", views.organisation_page, name="organisation"),
    path(PERIOD, views.dashboard, name="dashboard"),
    path(PERIOD + "unit/<int:pk>/", views.unit_page, name="unit"),
    path(PERIOD + "goal/<int:pk>/", views.goal_page, name="goal"),
    path(PERIOD + "texts/", views.texts_page, name="texts"),
    path(PERIOD + "report/", report_views.report_page, name="report"),
    path(PERIOD + "report/download/<str:fmt>/", report_views.download, name="report_download"),
    path(PERIOD + "imports/", import_views.imports_page, name="imports"),
    path(PERIOD + "imports/job/<int:pk>/", import_views.job_progress, name="import_job"),
    path(PERIOD + "report/diff/", report_views.edition_diff, name="report_diff"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
