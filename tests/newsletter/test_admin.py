import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import ReferenceIndex

from tests.factories import UserFactory
from tests.newsletter.factories import SubscriberFactory
from website.newsletter.models import Subscriber


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def editor_client(client, db):
    editors = Group.objects.get(name="Editors")
    editor = UserFactory()
    editor.groups.add(editors)
    client.force_login(editor)
    return client, editors


def export_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_lists_subscribers_with_status_and_source_page(admin_client, home_page):
    SubscriberFactory(
        email="ann@example.com",
        first_name="Ann",
        status=Subscriber.Status.CONFIRMED,
        source_page=home_page,
    )
    response = admin_client.get("/admin/newsletter/subscribers/?export=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="newsletter-subscribers.csv"'
    [row] = export_rows(response)
    assert row["E-mail address"] == "ann@example.com"
    assert row["First name"] == "Ann"
    assert row["Status"] == "confirmed"
    assert row["Source page"] == "Home"


def test_csv_export_follows_the_status_filter(admin_client, home_page):
    SubscriberFactory(email="in@example.com", status=Subscriber.Status.CONFIRMED)
    SubscriberFactory(email="out@example.com", status=Subscriber.Status.PENDING)
    response = admin_client.get("/admin/newsletter/subscribers/?status=confirmed&export=csv")
    assert [row["E-mail address"] for row in export_rows(response)] == ["in@example.com"]


def test_csv_export_neutralises_spreadsheet_formulas_in_names(admin_client, home_page):
    SubscriberFactory(first_name='=HYPERLINK("http://evil.example")')
    [row] = export_rows(admin_client.get("/admin/newsletter/subscribers/?export=csv"))
    assert row["First name"] == '\'=HYPERLINK("http://evil.example")'


def test_subscriber_list_filters_by_source_page(admin_client, home_page):
    SubscriberFactory(email="from-home@example.com", source_page=home_page)
    SubscriberFactory(email="elsewhere@example.com")
    response = admin_client.get(f"/admin/newsletter/subscribers/?source_page={home_page.pk}")
    assert b"from-home@example.com" in response.content
    assert b"elsewhere@example.com" not in response.content


def test_subscriber_list_searches_addresses_and_names(admin_client):
    SubscriberFactory(email="wren@example.com", first_name="Wren")
    SubscriberFactory(email="other@example.com", first_name="Other")
    response = admin_client.get("/admin/newsletter/subscribers/?q=wren")
    assert b"wren@example.com" in response.content
    assert b"other@example.com" not in response.content


def test_report_counts_subscribers_per_source_page_by_status(admin_client, home_page):
    SubscriberFactory.create_batch(2, status=Subscriber.Status.CONFIRMED, source_page=home_page)
    SubscriberFactory(status=Subscriber.Status.PENDING, source_page=home_page)
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)
    response = admin_client.get("/admin/reports/newsletter-sources/?export=csv")
    assert export_rows(response) == [
        {"Page": "Home", "Confirmed": "2", "Pending": "1", "Unsubscribed": "0", "Total": "3"}
    ]


def test_nobody_adds_a_subscriber_in_the_admin_not_even_a_superuser(admin_client):
    # Wagtail answers a refused permission by sending the user back to the dashboard.
    response = admin_client.post("/admin/newsletter/subscribers/new/", {"first_name": "Sneaky"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not Subscriber.objects.exists()
    assert (
        b"/admin/newsletter/subscribers/new/"
        not in admin_client.get("/admin/newsletter/subscribers/").content
    )


def test_editor_without_the_group_permission_cannot_see_subscribers(editor_client):
    client, _editors = editor_client
    assert client.get("/admin/newsletter/subscribers/").status_code in {302, 403}
    assert client.get("/admin/reports/newsletter-sources/").status_code in {302, 403}


def test_editor_whose_group_may_view_subscribers_sees_the_list_and_the_report(editor_client):
    client, editors = editor_client
    editors.permissions.add(Permission.objects.get(codename="view_subscriber"))
    SubscriberFactory(email="ann@example.com")
    assert b"ann@example.com" in client.get("/admin/newsletter/subscribers/").content
    assert client.get("/admin/reports/newsletter-sources/").status_code == 200


def test_editing_a_first_name_in_the_admin_refuses_a_newline(admin_client):
    subscriber = SubscriberFactory(first_name="Ann")
    response = admin_client.post(
        f"/admin/newsletter/subscribers/edit/{subscriber.pk}/",
        {"first_name": "Ann\nBcc: x@example.com"},
    )
    assert response.status_code == 200
    assert b"single line of plain text" in response.content
    subscriber.refresh_from_db()
    assert subscriber.first_name == "Ann"


def test_page_usage_never_lists_the_addresses_that_signed_up_on_it(client, home_page):
    client.post("/newsletter/", {"email": "ann@example.com", "source_page": str(home_page.pk)})
    assert Subscriber.objects.get().source_page_id == home_page.pk
    assert not ReferenceIndex.objects.filter(content_type__app_label="newsletter").exists()
