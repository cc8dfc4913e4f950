from pathlib import Path

import pytest
from django.core.management.base import CommandError
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, Revision

from tests.content.factories import EpisodePageFactory
from website.content import demo
from website.content.models import ArticlePage, Category, EpisodePage, StandardPage
from website.importers.models import ImportedItem

from .conftest import FIXTURES

EXPORT = FIXTURES / "export.xml"


def storage_roots(settings):
    """Every local storage folder (documents live in a private one)."""
    return [
        options["OPTIONS"]["location"]
        for options in settings.STORAGES.values()
        if "location" in options.get("OPTIONS", {})
    ]


def counts():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        Image.objects.count(),
        Document.objects.count(),
        Redirect.objects.count(),
        Category.objects.count(),
        ImportedItem.objects.count(),
    )


@pytest.fixture
def imported(home_page, uploads, run_command):
    return run_command("import_wordpress", EXPORT, uploads=uploads)


def body(page):
    return [
        (b.block_type, b.value.source if b.block_type == "paragraph" else dict(b.value))
        for b in page.body
    ]


def test_a_post_titled_episode_number_becomes_that_episode_with_its_video(imported):
    episode = EpisodePage.objects.get(number=403)
    assert episode.title == "Backward Walking for Back Pain – Episode 403"
    assert episode.live
    assert episode.first_published_at.isoformat() == "2019-05-14T09:00:00+00:00"
    assert episode.date.isoformat() == "2019-05-14"
    assert episode.summary == episode.search_description == "A gentle drill that calms a sore back."
    video = episode.video[0].value
    assert video["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video["poster"].title == "backward-walking"
    assert sorted(episode.tags.names()) == ["posture", "walking"]
    assert sorted(c.slug for c in episode.categories.all()) == ["back-pain", "episodes"]


def test_gutenberg_blocks_become_paragraphs_headings_images_lists_and_quotes(imported):
    episode = EpisodePage.objects.get(number=403)
    blocks = body(episode)
    assert [kind for kind, _ in blocks] == [
        "paragraph",
        "heading",
        "image",
        "paragraph",
        "heading",
        "quote",
        "paragraph",
    ]
    assert blocks[1][1] == {"text": "How to start", "level": "h2"}
    assert blocks[2][1]["image"].title == "backward-walking"
    assert blocks[2][1]["caption"] == "Start on flat, familiar ground."
    assert blocks[2][1]["alt_text"] == "Walking backwards on a path"
    assert (
        blocks[3][1]
        == "<ul>\n<li>Ten slow steps back</li>\n<li>Look straight <i>ahead</i></li>\n</ul>"
    )
    assert blocks[4][1] == {"text": "Going further", "level": "h3"}
    assert blocks[5][1] == {
        "quote": "Movement is the language of the brain.",
        "attribution": "Dr. Eric Cobb",
    }


def test_internal_links_point_at_the_new_pages_and_documents(imported):
    episode = EpisodePage.objects.get(number=403)
    article = ArticlePage.objects.get(slug="why-balance-training-works")
    reading_list = Document.objects.get(title="Recommended reading list")
    blocks = body(episode)
    # The article came later in the export: the link is filled in once it exists.
    assert f'<a id="{article.pk}" linktype="page">why balance training works</a>' in blocks[0][1]
    assert f'<a id="{reading_list.pk}" linktype="document">reading list</a>' in blocks[6][1]
    assert '<a href="https://example.org/research">' in blocks[6][1]
    assert f'<a id="{episode.pk}" linktype="page">episode 403</a>' in body(article)[-1][1]


def test_classic_content_with_shortcodes_and_embeds(imported):
    article = ArticlePage.objects.get(slug="why-balance-training-works")
    blocks = body(article)
    assert [kind for kind, _ in blocks] == [
        "paragraph",
        "image",
        "heading",
        "video",
        "video",
        "paragraph",
    ]
    assert blocks[0][1] == (
        "<p>Your balance depends on three systems working together: your eyes, your inner ear "
        "and your body sense.</p><p>When one of them is out of practice, the others have to "
        "work harder.<br/>\nThat is why a wobbly stance can feel exhausting.</p>"
    )
    assert blocks[1][1]["caption"] == "Single-leg stance with eyes closed"
    assert blocks[1][1]["image"].title == "Balance drill"
    assert blocks[3][1]["url"] == "https://vimeo.com/76979871"
    assert blocks[4][1]["url"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert blocks[4][1]["title"] == "Balance warm-up"
    last = blocks[5][1]
    assert '[contact-form-7 id="5" title="Contact"]' in last
    assert "<script" not in last and "alert" not in last and "onclick" not in last
    assert "maps.example.com" not in str(blocks)
    assert article.author == "Sam Stride"
    assert sorted(c.slug for c in article.categories.all()) == ["balance", "vision"]


def test_pages_become_standard_pages_under_their_parents(imported):
    about = StandardPage.objects.get(slug="about")
    assert about.live and about.intro == "Who we are."
    assert about.og_image.title == "Balance drill"
    assert [kind for kind, _ in body(about)] == ["heading", "paragraph", "quote"]
    privacy = StandardPage.objects.get(slug="privacy-policy")
    assert privacy.get_parent().specific == StandardPage.objects.get(slug="legal")
    assert privacy.url == "/legal/privacy-policy/"


def test_drafts_private_password_and_untitled_posts_are_drafts_with_warnings(imported):
    for title in (
        "Notes on vision drills",
        "Members only: coaching notes",
        "Client case study",
        "Untitled (WordPress post 106)",
    ):
        page = ArticlePage.objects.get(title=title)
        assert not page.live, title
        assert page.first_published_at is None
    assert "104 'Members only: coaching notes': private in WordPress" in imported
    assert "105 'Client case study': password-protected in WordPress" in imported
    assert "106 '(untitled post 106)': has no title" in imported


def test_the_report_lists_skipped_items_missing_files_and_what_was_removed(imported):
    assert "13 [attachment] 'Seminar group photo': file 2019/05/seminar-group.jpg not found" in (
        imported
    )
    assert "108 [post] 'Old announcement': trash" in imported
    assert "301 [nav_menu_item] 'Home': post type 'nav_menu_item' has no counterpart" in imported
    assert "unknown shortcodes kept as text: [contact-form-7]" in imported
    assert "removed a <script> from the content" in imported
    assert "removed an embedded frame from https://maps.example.com/embed?pb=123" in imported
    assert "slug 'why-balance-training-works' is taken here: imported as" in imported
    assert imported.rstrip().endswith(
        "Total: 17 created, 0 updated, 0 unchanged, 3 skipped, 10 warnings."
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=101", "/episodes/backward-walking-for-back-pain/"),
        ("/index.php?p=101", "/episodes/backward-walking-for-back-pain/"),
        ("/2019/05/backward-walking-for-back-pain/", "/episodes/backward-walking-for-back-pain/"),
        ("/2019/05/why-balance-training-works/", "/articles/why-balance-training-works/"),
        ("/2019/06/why-balance-training-works/", "/articles/why-balance-training-works-2/"),
        ("/?page_id=201", "/about/"),
        ("/about-us/", "/about/"),
        ("/category/back-pain/", "/articles/category/back-pain/"),
        ("/category/balance/vision/", "/articles/category/vision/"),
    ],
)
def test_old_permalinks_answer_with_a_permanent_redirect(imported, client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_drafts_get_no_redirect_and_the_home_page_still_answers(imported, client):
    assert client.get("/2019/07/members-only-coaching-notes/").status_code == 404
    assert client.get("/?p=104").status_code == 200  # the home page, as WordPress's would
    assert client.get("/").status_code == 200


def test_a_second_run_changes_nothing(imported, uploads, run_command):
    before = counts()
    again = run_command("import_wordpress", EXPORT, uploads=uploads)
    assert counts() == before
    assert "Total: 0 created, 0 updated, 17 unchanged, 3 skipped" in again


def test_a_changed_post_is_updated_in_place_and_a_missing_file_added_later_is_imported(
    imported, uploads, run_command, tmp_path
):
    (uploads / "2019/05/seminar-group.jpg").write_bytes(
        (uploads / "2019/05/backward-walking.jpg").read_bytes()
    )
    changed = tmp_path / "export.xml"
    changed.write_text(EXPORT.read_text().replace("A shorter version,", "A much shorter version,"))
    report = run_command("import_wordpress", changed, uploads=uploads)
    assert "13 [attachment] 'Seminar group photo'" in report.split("Updated")[0]
    short = ArticlePage.objects.get(slug="why-balance-training-works-2")
    assert "A much shorter version" in body(short)[0][1]
    # The article that showed the missing photo now has it.
    article = ArticlePage.objects.get(slug="why-balance-training-works")
    assert body(article)[-1][0] == "image"
    assert ArticlePage.objects.filter(title="Why Balance Training Works").count() == 2
    assert "Total: 1 created, 2 updated" in report


def test_dry_run_writes_nothing_stores_no_file_and_still_reports(
    home_page, uploads, run_command, settings
):
    def stored_files():
        return sorted(
            path
            for root in {settings.MEDIA_ROOT, *storage_roots(settings)}
            for path in Path(root).rglob("*")
            if path.is_file()
        )

    files_before = stored_files()
    before = counts()
    report = run_command("import_wordpress", EXPORT, uploads=uploads, dry_run=True)
    assert counts() == before
    assert stored_files() == files_before
    assert report.startswith("Dry run: nothing was written.")
    assert "Total: 17 created" in report


def test_an_episode_number_already_taken_imports_the_post_as_an_article(
    home_page, uploads, run_command
):
    EpisodePageFactory(parent=demo.episode_index(), number=403, title="Already here")
    report = run_command("import_wordpress", EXPORT, uploads=uploads)
    assert "episode number 403 is taken by" in report
    assert ArticlePage.objects.filter(slug="backward-walking-for-back-pain").exists()


BAD_FILES = [
    (b"<rss><channel><item><title>Half", "not well-formed XML.*truncated"),
    (b"\xff\xfe<\x00r\x00s\x00s\x00", "not UTF-8"),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>', "not a WordPress"),
    (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<rss><channel><title>&lol2;</title></channel></rss>",
        "DTD or entities",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>",
        "DTD or entities",
    ),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_written(
    home_page, tmp_path, run_command, content, message
):
    bad = tmp_path / "export.xml"
    bad.write_bytes(content)
    before = counts()
    with pytest.raises(CommandError, match=message):
        run_command("import_wordpress", bad)
    assert counts() == before


def test_an_attachment_path_outside_the_uploads_folder_is_never_read(
    home_page, uploads, run_command, tmp_path
):
    (tmp_path / "secret.png").write_bytes((uploads / "2019/05/balance-drill.png").read_bytes())
    sneaky = tmp_path / "export.xml"
    sneaky.write_text(EXPORT.read_text().replace("2019/05/balance-drill.png]]", "../secret.png]]"))
    report = run_command("import_wordpress", sneaky, uploads=uploads)
    assert "file ../secret.png not found" in report
    assert not Image.objects.filter(title="Balance drill").exists()


def test_an_episode_title_rule_that_is_not_a_regular_expression_is_refused(home_page, run_command):
    with pytest.raises(CommandError, match="--episode-title is not a regular expression"):
        run_command("import_wordpress", EXPORT, episode_title="Episode (")
    assert not ImportedItem.objects.exists()


def test_a_custom_episode_category_rule_makes_its_posts_episodes_only_with_a_number(
    home_page, uploads, run_command
):
    report = run_command(
        "import_wordpress", EXPORT, uploads=uploads, episode_category="Balance", episode_title="^$"
    )
    assert not EpisodePage.objects.exists()
    assert "in 'Balance' but no episode number in the title: imported as an article" in report
