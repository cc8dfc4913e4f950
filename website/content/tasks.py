"""Queued work of the content pages: e-mailing a contact-form message to the coach."""

from django_tasks import task
from wagtail.contrib.forms.models import FormSubmission

from website.emails import send_branded_email


@task()
def send_contact_message(*, submission_id: int) -> None:
    """E-mail one stored contact-form submission to its page's `to_address`, replying to the
    visitor's address (the form's first e-mail field); a deleted submission sends nothing."""
    submission = FormSubmission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None:
        return
    page = submission.page.specific
    data = submission.form_data
    fields = list(page.get_form_fields())
    answers = [(field.label, _answer_text(data.get(field.clean_name))) for field in fields]
    reply_to = [
        data[field.clean_name]
        for field in fields
        if field.field_type == "email" and data.get(field.clean_name)
    ][:1]
    send_branded_email(
        template="content/emails/contact_message",
        subject=page.subject or f"Message from the {page.title} page",
        to=[address.strip() for address in page.to_address.split(",") if address.strip()],
        reply_to=reply_to or None,
        context={"page": page, "answers": answers, "submitted_at": submission.submit_time},
    )


def _answer_text(value) -> str:
    """An answer as the coach reads it: checkbox lists joined, a single checkbox as Yes/No."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
