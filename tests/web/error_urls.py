"""A URL that fails, beside the app's own, for the test of the error page."""

from django.urls import path

from tertial.web.urls import urlpatterns as app_urls


def broken(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [path("broken/", broken), *app_urls]
