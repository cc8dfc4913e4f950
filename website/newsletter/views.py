from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from wagtail.models import Site

from website import ratelimits
from website.newsletter import selectors, services, tokens
from website.newsletter.exceptions import NewsletterError, NotSubscribed, SubscriptionEnded
from website.newsletter.forms import SignupForm
from website.newsletter.models import Subscriber

CHECK_INBOX = "Almost there: we've sent you an e-mail with a link to confirm your subscription."
TOO_MANY = (
    "There have been too many sign-ups from your network in the last hour. Please try again later."
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _is_cross_site(request) -> bool:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin not in {
        f"{request.scheme}://{request.get_host()}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }


def _refuse(request, form: SignupForm, *, status: int):
    if _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=status)
    return render(request, "newsletter/signup.html", {"form": form}, status=status)


def _link_problem(request, error: NewsletterError, *, status: int = 400):
    return render(
        request, "newsletter/link_problem.html", {"message": error.message}, status=status
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """The sign-up page (GET) and the endpoint every sign-up form posts to (POST).

    Exempt from CSRF so that cached pages need no per-visitor token (docs/decisions.md);
    instead it refuses cross-site posts, rate-limits by IP, drops honeypot hits, and only
    ever creates a *pending* subscriber that the address's owner must confirm.
    """
    if request.method != "POST":
        return render(request, "newsletter/signup.html", {"form": SignupForm()})
    if _is_cross_site(request):
        return HttpResponseForbidden("Sign-ups are accepted only from this site's own pages.")
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _refuse(request, form, status=400)
    if not form.is_bot:
        if not ratelimits.attempt(request, "newsletter_signup"):
            form.add_error(None, TOO_MANY)
            return _refuse(request, form, status=429)
        services.subscriber_request(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            source_page=form.cleaned_data["source_page"],
        )
    if _wants_json(request):
        return JsonResponse({"message": CHECK_INBOX})
    return redirect("newsletter:check_inbox")


@require_safe
def check_inbox(request):
    return render(request, "newsletter/check_inbox.html", {"message": CHECK_INBOX})


def _confirmed(request, subscriber: Subscriber):
    reading_list_url = reverse(
        "newsletter:reading_list", args=[tokens.READING_LIST.token_for(subscriber)]
    )
    return render(request, "newsletter/confirmed.html", {"reading_list_url": reading_list_url})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The link in the confirmation e-mail: a page with one button, which confirms.

    Confirming takes a POST so that mail scanners that open links do not subscribe anyone.
    """
    try:
        subscriber = tokens.CONFIRM.subscriber_for(token)
        if request.method == "POST":
            subscriber = services.subscriber_confirm(subscriber=subscriber)
        elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            raise SubscriptionEnded
    except NewsletterError as error:
        return _link_problem(request, error)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return _confirmed(request, subscriber)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The unsubscribe link in every e-mail: a page with one button (a POST, as above)."""
    try:
        subscriber = tokens.UNSUBSCRIBE.subscriber_for(token)
    except NewsletterError as error:
        return _link_problem(request, error)
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(subscriber=subscriber)
    template = (
        "unsubscribed" if subscriber.status == Subscriber.Status.UNSUBSCRIBED else "unsubscribe"
    )
    return render(request, f"newsletter/{template}.html", {"subscriber": subscriber})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token: str):
    """RFC 8058 one-click unsubscribe, the URL in the List-Unsubscribe header.

    Mail clients POST `List-Unsubscribe=One-Click` without cookies or a CSRF token; the
    signed token is the authorisation. Someone opening the URL gets the ordinary page.
    """
    if request.method == "GET":
        return redirect("newsletter:unsubscribe", token=token)
    try:
        subscriber = tokens.UNSUBSCRIBE.subscriber_for(token)
    except NewsletterError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain")
    services.subscriber_unsubscribe(subscriber=subscriber)
    return HttpResponse("You are unsubscribed.", content_type="text/plain")


@never_cache
@require_GET
def reading_list(request, token: str):
    """The lead magnet: the site's reading-list document, for a confirmed subscriber's link."""
    try:
        subscriber = tokens.READING_LIST.subscriber_for(token)
        if subscriber.status != Subscriber.Status.CONFIRMED:
            raise NotSubscribed
    except NotSubscribed as error:
        return _link_problem(request, error, status=403)
    except NewsletterError as error:
        return _link_problem(request, error)
    document = selectors.reading_list_document(site=Site.find_for_request(request))
    try:
        file = document.file.open("rb") if document else None
    except OSError:
        file = None
    if file is None:
        return render(request, "newsletter/reading_list_unavailable.html", status=404)
    response = FileResponse(
        file, as_attachment=True, filename=document.filename, content_type=document.content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@require_GET
def account(request):
    """ "My account" → Newsletter: the signed-in person's subscription, by their account address."""
    subscriber = selectors.subscriber_for_email(email=request.user.email)
    return render(request, "newsletter/account.html", {"subscriber": subscriber})


@login_required
@require_POST
def account_change(request):
    """Subscribe (through the same double opt-in as anyone) or unsubscribe the signed-in person."""
    action = request.POST.get("action")
    subscriber = selectors.subscriber_for_email(email=request.user.email)
    if action == "subscribe":
        services.subscriber_request(
            email=request.user.email,
            first_name=request.user.first_name[:100],
            source_page=None,
        )
        messages.success(
            request,
            f"Check your inbox at {request.user.email} for a link to confirm your subscription.",
        )
    elif action == "unsubscribe" and subscriber is not None:
        services.subscriber_unsubscribe(subscriber=subscriber)
        messages.success(request, "You are unsubscribed from the newsletter.")
    else:
        return HttpResponseBadRequest("Choose subscribe or unsubscribe.", content_type="text/plain")
    return redirect("newsletter:account")
