from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tertial.organisation.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"organisations": Organisation.objects.all()})
