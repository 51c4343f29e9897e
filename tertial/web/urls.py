from django.urls import path

from tertial.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
