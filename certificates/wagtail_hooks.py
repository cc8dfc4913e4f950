from wagtail.permissions import register_permission_policy

from certificates.models import Certificate, CertificationGrant
from shop.viewsets import ViewOnlyPermissionPolicy

# Read-only in the admin: they change only through completion, refunds, renewals and the sweep.
register_permission_policy(Certificate, ViewOnlyPermissionPolicy(Certificate))
register_permission_policy(CertificationGrant, ViewOnlyPermissionPolicy(CertificationGrant))
