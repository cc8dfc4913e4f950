"""Views behind TrainerDirectoryPage's routes: search page, JSON search, profile + contact."""

from dataclasses import dataclass

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import FormView
from wagtail.admin.views.generic import EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from certificates.exceptions import NotCertified, ProfileExists
from website import ratelimits
from website.jobs.selectors import jobs_recent
from website.jobs.views import JobUploadMixin

from . import selectors
from .exceptions import (
    AlreadyReviewed,
    ChangeSuperseded,
    ContactRateLimited,
    GeocoderUnavailable,
    PlaceNotFound,
)
from .forms import (
    DEFAULT_RADIUS,
    RADII,
    ContactForm,
    ProfileChangeForm,
    TrainerImportForm,
    TrainerProfileCreateForm,
    TrainerSearchForm,
    page_number,
)
from .geocoding import GeocodeResult, Place, get_geocoder
from .geometry import KM_PER_MILE, format_distance
from .jobs import TRAINER_IMPORT
from .models import ProfileChange, Trainer, TrainerDirectoryPage
from .services import (
    inquiry_send,
    profile_change_review,
    profile_change_submit,
    trainer_profile_create_from_certification,
)

PER_PAGE = 20
ONLINE_ELSEWHERE = 6


@dataclass(frozen=True)
class _Query:
    """What a valid search form asks for, with its location resolved."""

    place: Place | None
    alternatives: tuple[Place, ...]
    radius_km: float
    online_only: bool


def _search_form(request, page) -> TrainerSearchForm:
    return TrainerSearchForm(
        request.GET,
        certifications=selectors.certification_choices(),
        specialties=selectors.specialty_choices(),
        default_unit=page.distance_unit,
    )


def _resolve(form: TrainerSearchForm) -> _Query:
    """The place to search around; PlaceNotFound / GeocoderUnavailable pass through."""
    data = form.cleaned_data
    if data["near"] is not None:
        lat, lng = data["near"]
        located = GeocodeResult(
            place=Place(label=data["q"] or "your location", latitude=lat, longitude=lng)
        )
    elif data["q"]:
        located = get_geocoder().geocode(data["q"])
    else:
        located = None
    radius_km = data["radius"] * (KM_PER_MILE if data["unit"] == "mi" else 1)
    return _Query(
        place=located.place if located else None,
        alternatives=located.alternatives if located else (),
        radius_km=radius_km,
        online_only=data["online"],
    )


def _run(
    form: TrainerSearchForm, query: _Query, number: int, *, online_elsewhere: int = 0
) -> selectors.TrainerSearchResult:
    near = (query.place.latitude, query.place.longitude) if query.place else None
    return selectors.trainer_search(
        near=near,
        # Online coaching works from anywhere: no radius, just nearest first.
        radius_km=None if query.online_only else query.radius_km,
        certification=form.cleaned_data["certification"],
        specialty=form.cleaned_data["specialty"],
        online_only=query.online_only,
        page=number,
        per_page=PER_PAGE,
        online_elsewhere=online_elsewhere,
    )


# The map's tiles come straight from OpenStreetMap to the visitor's browser.
@csp_update({"img-src": ["https://tile.openstreetmap.org"]})
def directory(request, *, page):
    """The search page: works as a plain GET form; the map is an extra on top."""
    form = _search_form(request, page)
    valid = form.is_valid()
    context = {
        "form": form,
        "radii": RADII,
        "selected_radius": form.cleaned_data.get("radius", DEFAULT_RADIUS),
        "selected_unit": form.cleaned_data.get("unit", page.distance_unit),
    }
    if valid:
        unit = form.cleaned_data["unit"]
        try:
            query = _resolve(form)
        except PlaceNotFound as exc:
            context["not_found"] = exc
        except GeocoderUnavailable as exc:
            context["geocoder_error"] = str(exc)
        else:
            # The page also lists the nearest online coaches outside a local search's radius,
            # read in the same pass as the page's own trainers.
            result = _run(
                form,
                query,
                page_number(request.GET.get("page")) or 1,
                online_elsewhere=0 if query.online_only else ONLINE_ELSEWHERE,
            )
            context.update(
                query=query,
                result=result,
                unit=unit,
                hits=[(hit, _distance(hit, unit)) for hit in result.hits],
                first_rank=(result.number - 1) * PER_PAGE + 1,
                did_you_mean=[
                    (alt.label, form.as_query(q=alt.label)) for alt in query.alternatives
                ],
                previous_query=form.as_query(page=result.number - 1),
                next_query=form.as_query(page=result.number + 1),
                map_query=form.as_query(),
            )
            context["online_elsewhere"] = [
                (hit, _distance(hit, unit)) for hit in result.online_elsewhere
            ]
    return page.render(request, context_overrides=context)


def _distance(hit: selectors.TrainerHit, unit: str) -> str:
    return "" if hit.distance_km is None else format_distance(hit.distance_km, unit)


@require_GET
def search_json(request):
    """GET /trainers/api/search?q=60601&radius=50&unit=mi[&certification=&specialty=&online=1&page=]

    Answers 400 with a reason for a bad location, an unknown place or a bad page
    number, 503 when an online geocoder is down. Radius and unit fall back to defaults.
    """
    page = TrainerDirectoryPage.objects.live().first()
    if page is None:
        return JsonResponse({"error": "The trainer directory is not published."}, status=404)
    form = _search_form(request, page)
    number = page_number(request.GET.get("page", "1"))
    if number is None:
        return JsonResponse({"error": "page must be a positive whole number."}, status=400)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"error": "Invalid search.", "fields": errors}, status=400)
    if not (form.cleaned_data["q"] or form.cleaned_data["near"]):
        return JsonResponse({"error": "Give a place (q) or a location (lat and lng)."}, status=400)
    try:
        query = _resolve(form)
    except PlaceNotFound as exc:
        return JsonResponse({"error": str(exc), "suggestions": list(exc.suggestions)}, status=400)
    except GeocoderUnavailable as exc:
        return JsonResponse({"error": str(exc)}, status=503)
    result = _run(form, query, number)
    unit = form.cleaned_data["unit"]
    base_url = page.url
    response = JsonResponse(
        {
            "place": {
                "label": query.place.label,
                "latitude": query.place.latitude,
                "longitude": query.place.longitude,
            },
            "did_you_mean": [p.label for p in query.alternatives],
            "radius": form.cleaned_data["radius"],
            "unit": unit,
            "online_only": query.online_only,
            "count": result.count,
            "page": result.number,
            "num_pages": result.num_pages,
            "results": [_hit_json(hit, unit, base_url) for hit in result.hits],
        }
    )
    # The same answer for every visitor: browsers and a CDN may keep it for a few minutes.
    patch_cache_control(response, public=True, max_age=300)
    return response


def _hit_json(hit: selectors.TrainerHit, unit: str, base_url: str) -> dict:
    trainer = hit.trainer
    return {
        "name": trainer.name,
        "url": f"{base_url}{trainer.slug}/",
        "area": trainer.area,
        "latitude": trainer.latitude,
        "longitude": trainer.longitude,
        "distance": _distance(hit, unit),
        "distance_km": None if hit.distance_km is None else round(hit.distance_km, 3),
        "offers_online": trainer.offers_online,
        "certifications": [c.name for c in trainer.credentials],
        "verified_certifications": [c.name for c in trainer.credentials if c.is_verified],
        "specialties": trainer.specialty_names,
    }


def trainer_profile(request, *, page, slug):
    """A trainer's public profile and contact form (POST, then redirect back here)."""
    trainer = get_object_or_404(
        Trainer.objects.published().select_related("photo").prefetch_related("specialties"),
        slug=slug,
    )
    selectors.attach_credentials([trainer])
    profile_url = page.url + page.reverse_subpage("trainer", kwargs={"slug": slug})
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            # A bot that filled the honeypot is told it worked; nothing is stored or sent.
            if not form.is_spam:
                if not ratelimits.attempt(request, "trainer_contact"):
                    raise ContactRateLimited
                inquiry_send(
                    trainer=trainer,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    message=form.cleaned_data["message"],
                )
        except ContactRateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            messages.success(request, f"Thank you — your message is on its way to {trainer.name}.")
            return HttpResponseRedirect(profile_url + "#contact")
    response = page.render(
        request,
        template="trainers/trainer.html",
        trainer=trainer,
        context_overrides={"trainer": trainer, "contact_form": form, "profile_url": profile_url},
    )
    response.status_code = status
    return response


@login_required
def my_profile(request):
    """A trainer proposes changes to their own profile; editors review them before they show."""
    trainer = Trainer.objects.filter(user=request.user).first()
    if trainer is None:
        if selectors.trainer_profile_offer(user=request.user):
            return HttpResponseRedirect(reverse("trainers:create_profile"))
        raise Http404("This account has no trainer profile.")
    pending = trainer.profile_changes.filter(status=ProfileChange.Status.PENDING).first()
    current = pending or ProfileChange(
        trainer=trainer,
        bio=trainer.bio,
        website=trainer.website,
        phone=trainer.phone,
        specialties=", ".join(sorted(trainer.specialties.names())),
        offers_online=trainer.offers_online,
    )
    form = ProfileChangeForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        profile_change_submit(trainer=trainer, user=request.user, **form.cleaned_data)
        messages.success(
            request, "Thank you — an editor will review your changes before they appear."
        )
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "trainers/profile_change.html",
        {"trainer": trainer, "form": form, "pending": pending},
    )


@login_required
def create_profile(request):
    """ "Create your trainer profile" for a certified customer: pre-filled from the account
    and the certification; it goes to the editors' review before anyone sees it."""
    if Trainer.objects.filter(user=request.user).exists():
        messages.info(request, str(ProfileExists()))
        return HttpResponseRedirect(reverse("trainers:my_profile"))
    grants = selectors.trainer_profile_offer(user=request.user)
    if not grants:
        return render(request, "trainers/profile_create_refused.html", status=403)
    form = TrainerProfileCreateForm(
        request.POST or None, initial={"name": grants[0].holder_name, "country": "US"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trainer_profile_create_from_certification(user=request.user, **data)
        except PlaceNotFound as exc:
            form.add_error("city", str(exc))
        except (NotCertified, ProfileExists) as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("certificates:account"))
        else:
            messages.success(
                request,
                "Thank you — an editor will review your profile before it appears in Find a "
                "Trainer.",
            )
            return HttpResponseRedirect(reverse("trainers:my_profile"))
    return render(request, "trainers/profile_create.html", {"form": form, "grants": grants})


class ProfileChangeReviewView(EditView):
    """The admin's edit view for a proposal: the editor sets Approved or Rejected, and the
    review service applies it (only once, whatever else happened in the meantime)."""

    def form_valid(self, form):
        decision = form.cleaned_data["status"]
        try:
            if form.cleaned_data["revision"] != self.object.pk:
                raise ChangeSuperseded
            profile_change_review(
                change=self.object,
                approve=decision == ProfileChange.Status.APPROVED,
                reviewer=self.request.user,
            )
        except (AlreadyReviewed, ChangeSuperseded) as exc:
            form.add_error("status", str(exc))
            self.produced_error_message = str(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.object.trainer}: changes {decision}.")
        return HttpResponseRedirect(self.get_success_url())


class TrainerImportView(
    JobUploadMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView
):
    """Admin upload of a trainers CSV: the file is checked (type, size, columns), then the same
    all-or-nothing import as `import_trainers` runs as a background job, whose page shows its
    progress and then every row by line number."""

    permission_policy = ModelPermissionPolicy(Trainer)
    permission_required = "add"
    page_title = "Import trainers"
    header_icon = "upload"
    breadcrumbs_items = [
        *WagtailAdminTemplateMixin.breadcrumbs_items,
        {"url": "", "label": "Import trainers"},
    ]
    template_name = "trainers/admin/trainer_import.html"
    form_class = TrainerImportForm
    kind = TRAINER_IMPORT

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "recent_jobs": jobs_recent(kind=TRAINER_IMPORT, user=self.request.user),
        }
