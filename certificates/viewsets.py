"""Certificates and certifications in the admin, to read: who completed which course, who holds
which certification until when. They change only through the services (completion, refunds,
renewals, the daily sweep), so nobody adds, edits or deletes them here."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from certificates.models import Certificate, CertificationGrant, Status


class StatusColumn(Column):
    """Valid / expired / revoked by the clock now (the daily sweep need not have run)."""

    def get_value(self, instance):
        return instance.status_at().label


def _filter_grant_status(queryset, name, value):
    now = timezone.now()
    if value == Status.REVOKED:
        return queryset.filter(revoked_at__isnull=False)
    if value == Status.EXPIRED:
        return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
    if value == Status.VALID:
        return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
    return queryset


class CertificationGrantFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label="Status", method=_filter_grant_status
    )

    class Meta:
        model = CertificationGrant
        fields = ["certification"]


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(Status.VALID, "Valid"), (Status.REVOKED, "Revoked")],
        label="Status",
        method=lambda queryset, name, value: queryset.filter(
            Q(revoked_at__isnull=value == Status.VALID)
        ),
    )

    class Meta:
        model = Certificate
        fields = ["course"]


class CertificationGrantViewSet(ModelViewSet):
    model = CertificationGrant
    icon = "tick-inverse"
    menu_label = "Certifications held"
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "holder_name",
        Column("email", accessor="user.email", label="Email", sort_key="user__email"),
        "certification",
        Column("granted_at", label="Granted", sort_key="granted_at"),
        Column("expires_at", label="Expires", sort_key="expires_at"),
        StatusColumn("status", label="Status"),
        Column("grouped_code", label="Code"),
    ]
    filterset_class = CertificationGrantFilterSet
    search_fields = ["holder_name", "user__email", "code"]
    inspect_view_fields = [
        "holder_name", "user", "certification", "certificate", "code", "granted_at",
        "expires_at", "renewed_at", "revoked_at", "expired_at", "renewal_reminder_for",
    ]  # fmt: skip
    # Wagtail builds the add/edit views regardless; the permission policy refuses them.
    form_fields = ["holder_name"]


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = "Certificates issued"
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "learner_name",
        Column("email", accessor="user.email", label="Email", sort_key="user__email"),
        "course_title",
        Column("issued_at", label="Issued", sort_key="issued_at"),
        StatusColumn("status", label="Status"),
        Column("order", label="Order"),
        Column("grouped_code", label="Code"),
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["learner_name", "user__email", "code", "course_title"]
    inspect_view_fields = [
        "learner_name", "user", "course_title", "course", "order", "code", "issued_at",
        "revoked_at",
    ]  # fmt: skip
    form_fields = ["learner_name"]
