"""The Wagtail admin refuses signed-in accounts without admin access with a page of its own."""

from django.shortcuts import render
from django.urls import reverse


class AdminAccessMiddleware:
    """Answer 403 with a clear page when a signed-in account without admin access opens /admin/.

    Left to itself, Wagtail would send such an account back to the login page, and the site's
    login (which the admin uses) sends a signed-in visitor straight on to `next`, i.e. back to
    the admin: a redirect loop instead of an answer. Anonymous visitors pass through, and
    Wagtail sends them to the site's login.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix = None

    def __call__(self, request):
        if self._prefix is None:
            self._prefix = reverse("wagtailadmin_home")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self._prefix)
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            return render(request, "accounts/no_admin_access.html", status=403)
        return self.get_response(request)
