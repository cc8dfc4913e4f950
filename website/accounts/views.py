from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods


@login_required
def overview(request):
    """ "My account": the signed-in person's home, linking to what they own (and, for a
    certified customer without one, to creating their trainer profile)."""
    from trainers.selectors import trainer_profile_offer

    return render(
        request,
        "accounts/overview.html",
        {"profile_offer": trainer_profile_offer(user=request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request):
    """`/admin/login/`: the site's one login door, never a second form that checks passwords.

    A POST is redirected too (never authenticated here), so allauth's rate limits and lockout
    apply to every password guess, whichever login URL it was aimed at. A safe `next` is kept
    (default: the admin's dashboard).
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("wagtailadmin_home")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


@require_http_methods(["GET", "HEAD", "POST"])
def admin_password_reset(request, rest: str = ""):
    """`/admin/password_reset/…`: allauth's reset, with its rate limits, is the only one."""
    return redirect("account_reset_password")
