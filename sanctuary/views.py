from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation


def root(request: HttpRequest) -> HttpResponse:
    """Russian first: a visitor without a language prefix lands on the Russian pages."""
    with translation.override("ru"):
        return HttpResponseRedirect(reverse("intake:landing"))


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "error.html", {"status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "error.html", {"status": 403, "csrf": True}, status=403)
