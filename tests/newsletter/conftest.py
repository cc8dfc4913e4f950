import re

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Site

from tests.newsletter import providers
from tests.newsletter.factories import READING_LIST_BYTES
from website.newsletter.models import NewsletterSettings


@pytest.fixture
def reading_list(home_page):
    """A reading-list document chosen in the default site's newsletter setting."""
    document = get_document_model()(title="Reading list")
    document.file.save("reading-list.txt", ContentFile(READING_LIST_BYTES), save=False)
    document.save()
    settings = NewsletterSettings.for_site(Site.objects.get(is_default_site=True))
    settings.reading_list = document
    settings.save()
    return document


@pytest.fixture
def recording_provider(settings):
    settings.NEWSLETTER_PROVIDER = "tests.newsletter.providers.RecordingProvider"
    providers.calls.clear()
    yield providers.calls
    providers.calls.clear()


@pytest.fixture
def link_in():
    """The path of the first link in an e-mail's text body that starts with a prefix."""

    def find(message, path_prefix: str) -> str:
        match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", message.body)
        assert match, f"no {path_prefix} link in: {message.body}"
        return match.group(1)

    return find


@pytest.fixture
def sign_up(client, home_page):
    """Post the sign-up form as the footer would (no JavaScript)."""

    def post(email="ann@example.com", **data):
        return client.post("/newsletter/", {"email": email, **data})

    return post
