"""Editors work in the Wagtail admin: create, preview, publish, with form errors for bad input."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.factories import UserFactory
from website.content.models import Category, EpisodePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, episode_index, article_index):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def episode_form(**overrides):
    data = {
        "title": "Walking backward",
        "slug": "walking-backward",
        "number": "403",
        "date": "2026-11-10",
        "summary": "Retro-walking for a calmer back.",
        "video": streamfield(
            [
                (
                    "video",
                    {
                        "title": "Walking backward",
                        "url": "https://youtu.be/dQw4w9WgXcQ",
                        "file": "",
                        "captions": "",
                        "poster": "",
                    },
                )
            ]
        ),
        "highlights": inline_formset(
            [
                {"text": "Introduction", "timestamp": "0:00"},
                {"text": "Benefits", "timestamp": "1:05"},
            ]
        ),
        "body": streamfield([("paragraph", rich_text("<p>Turn around and walk.</p>"))]),
        "transcript": rich_text(""),
        "tags": "",
        "related_episode_links": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "og_image": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("content", "episodepage", parent.id))


def test_an_episode_is_created_previewed_and_published_through_the_admin(
    admin_client, episode_index
):
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("content", "episodepage", episode_index.id)
    )

    assert admin_client.get(add_url(episode_index)).status_code == 200
    checked = admin_client.post(preview_url, episode_form())
    assert checked.json()["is_valid"] is True
    preview = admin_client.get(preview_url)
    assert "Walking backward – Episode 403" in preview.content.decode()
    assert 'data-video-start="65"' in preview.content.decode()
    assert not EpisodePage.objects.exists()

    response = admin_client.post(
        add_url(episode_index), {**episode_form(), "action-publish": "action-publish"}
    )

    assert response.status_code == 302
    episode = EpisodePage.objects.get()
    assert episode.live and episode.title == "Walking backward – Episode 403"
    assert [(h.text, h.start_seconds) for h in episode.highlights.all()] == [
        ("Introduction", 0),
        ("Benefits", 65),
    ]
    admin_client.logout()
    assert (
        "Turn around and walk." in admin_client.get("/episodes/walking-backward/").content.decode()
    )


@pytest.mark.parametrize("timestamp", ["99:99", "abc", "1:2", "-1:00", "12:60"])
def test_a_malformed_highlight_timestamp_is_a_form_error_not_a_crash(
    admin_client, episode_index, timestamp
):
    form = episode_form(highlights=inline_formset([{"text": "Benefits", "timestamp": timestamp}]))

    response = admin_client.post(
        add_url(episode_index), {**form, "action-publish": "action-publish"}
    )

    assert response.status_code == 200
    assert "Enter minutes and seconds as mm:ss" in response.content.decode()
    assert not EpisodePage.objects.exists()


def test_a_video_block_with_an_unknown_provider_is_a_form_error(admin_client, episode_index):
    video = streamfield(
        [
            (
                "video",
                {
                    "title": "Clip",
                    "url": "https://example.com/v/1",
                    "file": "",
                    "captions": "",
                    "poster": "",
                },
            )
        ]
    )

    response = admin_client.post(add_url(episode_index), episode_form(video=video))

    assert response.status_code == 200
    assert "Enter a YouTube or Vimeo video address." in response.content.decode()
    assert not EpisodePage.objects.exists()


def test_a_call_to_action_without_a_page_or_url_is_a_form_error(admin_client, episode_index):
    body = streamfield([("call_to_action", {"text": "Go", "page": "", "url": "", "link_text": ""})])

    response = admin_client.post(add_url(episode_index), episode_form(body=body))

    assert response.status_code == 200
    assert "Choose a page or give a URL." in response.content.decode()
    assert not EpisodePage.objects.exists()


def test_a_duplicate_episode_number_is_a_form_error(admin_client, episode_index):
    admin_client.post(add_url(episode_index), episode_form())

    response = admin_client.post(add_url(episode_index), episode_form(slug="another"))

    assert response.status_code == 200
    assert EpisodePage.objects.count() == 1


def test_editors_may_add_and_edit_but_only_moderators_publish_through_the_default_workflow():
    root = Page.get_first_root_node()
    granted = {
        (p.group.name, p.permission.codename) for p in GroupPagePermission.objects.filter(page=root)
    }

    assert {("Editors", "add_page"), ("Editors", "change_page")} <= granted
    assert ("Editors", "publish_page") not in granted
    assert ("Moderators", "publish_page") in granted
    workflow = Workflow.objects.get(workflow_pages__page=root)
    assert workflow.active
    assert [group.name for task in workflow.tasks for group in task.specific.groups.all()] == [
        "Moderators"
    ]


def test_editors_and_moderators_can_use_the_admin_and_manage_categories():
    for name in ("Editors", "Moderators"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"access_admin", "add_category", "change_category", "choose_image"} <= codenames
    assert "delete_category" in Group.objects.get(name="Moderators").permissions.values_list(
        "codename", flat=True
    )


def test_an_editor_submits_an_episode_for_moderation_instead_of_publishing(
    client, episode_index, article_index
):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    response = client.post(
        add_url(episode_index), {**episode_form(), "action-submit": "action-submit"}
    )

    assert response.status_code == 302
    episode = EpisodePage.objects.get()
    assert not episode.live
    assert episode.current_workflow_state.status == "in_progress"


def test_categories_are_edited_as_snippets_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_content_category:add"),
        {"name": "Breathing", "slug": "breathing", "description": "Calm, low breathing."},
    )

    assert response.status_code == 302
    assert Category.objects.filter(slug="breathing", name="Breathing").exists()


def _video_with_length(length: str):
    return streamfield(
        [
            (
                "video",
                {
                    "title": "Walking backward",
                    "url": "https://youtu.be/dQw4w9WgXcQ",
                    "file": "",
                    "captions": "",
                    "poster": "",
                    "duration": length,
                },
            )
        ]
    )


def test_an_editor_sets_the_video_length_and_the_episode_shows_it_and_tells_search_engines(
    admin_client, episode_index
):
    response = admin_client.post(
        add_url(episode_index),
        {**episode_form(video=_video_with_length("75:30")), "action-publish": "action-publish"},
    )

    assert response.status_code == 302
    episode = EpisodePage.objects.get()
    assert episode.video_value["duration"] == "1:15:30"
    admin_client.logout()
    html = admin_client.get(episode.url).content.decode()
    assert '<time datetime="PT1H15M30S">1:15:30</time>' in html
    assert '"duration": "PT1H15M30S"' in html


@pytest.mark.parametrize(
    ("length", "message"),
    [
        ("-5:00", "A length cannot be negative."),
        ("0:00", "A length must be at least one second (0:01)."),
        ("10:00:01", "10:00:01 is longer than 10 hours: enter the real length of the video"),
        ("999:59", "16:39:59 is longer than 10 hours"),
        ("twelve", "Enter the length as minutes:seconds (12:30) or hours:minutes:seconds"),
        ("12:75", "Enter the length as minutes:seconds (12:30)"),
        ("1:75:00", "Enter the length as minutes:seconds (12:30)"),
        ("12.5", "Enter the length as minutes:seconds (12:30)"),
    ],
)
def test_a_negative_absurd_or_malformed_video_length_is_a_form_error_that_saves_nothing(
    admin_client, episode_index, length, message
):
    response = admin_client.post(
        add_url(episode_index),
        {**episode_form(video=_video_with_length(length)), "action-publish": "action-publish"},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EpisodePage.objects.exists()
