from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("tertial.api.urls")),
    path("", include("tertial.web.urls")),
]
