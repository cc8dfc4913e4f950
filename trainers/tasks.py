from django_tasks import task

from .emails import send_inquiry
from .models import Inquiry


@task()
def send_inquiry_email(*, inquiry_id: int) -> None:
    """Email a stored inquiry to its trainer (a retry sends it again; it is only a message)."""
    send_inquiry(Inquiry.objects.select_related("trainer").get(pk=inquiry_id))
