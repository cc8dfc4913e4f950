"""Django's floor for `make bench`: the bare framework with nothing of the project's.

The only URL of a WSGI handler built with no middleware at all: one view returning a
constant 20 KB HTML page, about the size of a rendered page of ours.
"""

from django.http import HttpResponse
from django.urls import path

PAGE = "<!doctype html><title>floor</title>" + "<p>" + "x" * 20_000 + "</p>"


def floor(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", floor)]
