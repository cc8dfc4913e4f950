from django.urls import path
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from certificates.viewsets import CertificateViewSet, CertificationGrantViewSet

from .forms import ProfileChangeReviewForm, TrainerAdminForm
from .models import Certification, Inquiry, ProfileChange, Trainer
from .views import ProfileChangeReviewView, TrainerImportView


class TrainerViewSet(ModelViewSet):
    model = Trainer
    icon = "user"
    menu_label = "Trainers"
    list_display = ["name", "city", "region", "country", "offers_online", "is_published"]
    list_filter = ["is_published", "offers_online", "country", "certifications"]
    search_fields = ["name", "city", "postal_code", "email"]
    edit_handler = ObjectList(Trainer.panels, base_form_class=TrainerAdminForm)
    inspect_view_enabled = True


class CertificationViewSet(ModelViewSet):
    model = Certification
    icon = "tick"
    list_display = ["name", "level", "course", "validity_days"]
    form_fields = [
        "name", "slug", "level", "description", "course", "validity_days", "renewal_course",
    ]  # fmt: skip


class InquiryViewSet(ModelViewSet):
    model = Inquiry
    icon = "mail"
    menu_label = "Inquiries"
    list_display = ["name", "email", "trainer", "created_at", "delivery"]
    list_filter = ["trainer"]
    search_fields = ["name", "email", "message"]
    form_fields = ["trainer", "name", "email", "message"]
    inspect_view_enabled = True
    copy_view_enabled = False


class ProfileChangeViewSet(ModelViewSet):
    model = ProfileChange
    icon = "edit"
    menu_label = "Profile changes"
    list_display = ["trainer", "status", "publishes", "created_at", "reviewed_at"]
    list_filter = ["status"]
    edit_view_class = ProfileChangeReviewView
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            *(
                FieldPanel(name, read_only=True)
                for name in ("trainer", "bio", "website", "phone", "specialties")
            ),
            FieldPanel("offers_online", read_only=True),
            FieldPanel("publishes", read_only=True),
            FieldPanel("status", heading="Decision"),
            FieldPanel("revision"),
        ],
        base_form_class=ProfileChangeReviewForm,
    )


class TrainerImportViewSet(ViewSet):
    icon = "upload"
    menu_label = "Import trainers"

    def get_urlpatterns(self):
        return [path("", TrainerImportView.as_view(), name="upload")]


class TrainersGroup(ModelViewSetGroup):
    menu_label = "Trainers"
    menu_icon = "group"
    menu_order = 250
    items = (
        TrainerViewSet("trainer"),
        CertificationViewSet("certification"),
        CertificationGrantViewSet("certification_grant"),
        CertificateViewSet("certificate"),
        InquiryViewSet("inquiry"),
        ProfileChangeViewSet("profile_change"),
        TrainerImportViewSet("trainer_import"),
    )


@hooks.register("register_admin_viewset")
def register_trainers_viewsets():
    return TrainersGroup()
