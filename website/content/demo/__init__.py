"""The demo's page tree and content; every seeder is idempotent.

`seed_site_tree` runs first (home page, section index pages, categories); `seed` runs last,
after the other apps' seeders, so the episodes can link the courses they promote.
"""

import textwrap
from io import BytesIO

from django.core.files.images import ImageFile
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from courses.models import CoursePage
from website.content.demo import episode_403, library
from website.content.models import (
    ArticleIndexPage,
    ArticlePage,
    Category,
    EpisodeHighlight,
    EpisodeIndexPage,
    EpisodePage,
    HomeFeaturedCourse,
    HomePage,
)
from website.content.models.episodes import EPISODE_SUFFIX
from website.content.services import default_site_follow_site_url

PALETTES = [
    ("#0f5c63", "#1f8a84"),
    ("#7a3b0c", "#e07a2f"),
    ("#17252a", "#4a5a60"),
    ("#1e7a46", "#6fbf8e"),
]
# The demo has no real recordings; these placeholder ids only exercise the facade.
DEMO_VIDEO_URL = "https://www.youtube.com/watch?v=demo-ep-{number}"


def home_page() -> HomePage:
    """The demo HomePage under Wagtail's root, serving the default site; created once."""
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migrations leave a plain "Welcome" page (slug "home") as the site root;
        # ours replaces it, and the site that pointed at it goes with it.
        Page.objects.filter(
            depth=2, content_type__app_label="wagtailcore", content_type__model="page"
        ).delete()
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
        home.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "root_page": home,
                "hostname": "localhost",
                "port": 80,
                "site_name": "Coachhouse",
            },
        )
    default_site_follow_site_url()
    return home


def _publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def episode_index() -> EpisodeIndexPage:
    """/episodes/, created once under the home page."""
    return EpisodeIndexPage.objects.first() or _publish_child(
        home_page(),
        EpisodeIndexPage(
            title="Episodes",
            slug="episodes",
            intro="Short videos with practical drills for pain, balance, vision and performance.",
        ),
    )


def article_index() -> ArticleIndexPage:
    """/articles/, created once under the home page."""
    return ArticleIndexPage.objects.first() or _publish_child(
        home_page(),
        ArticleIndexPage(
            title="Articles",
            slug="articles",
            intro="Practical reading on movement, pain and performance, by category.",
        ),
    )


def seed_site_tree(*, stdout) -> None:
    home_page()
    episode_index()
    article_index()
    for name, slug, description in library.CATEGORIES:
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    stdout.write("Site tree: home page at /, episodes at /episodes/, articles at /articles/")


def demo_image(title: str, palette: tuple[str, str], *, eyebrow: str = "") -> Image:
    """A 1280x720 PNG drawn locally (gradient, circles, eyebrow, title), stored once per title."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    width, height = 1280, 720
    canvas = PILImage.new("RGB", (width, height), palette[0])
    draw = ImageDraw.Draw(canvas)
    start, end = ImageColor.getrgb(palette[0]), ImageColor.getrgb(palette[1])
    for x in range(width):
        mix = x / width
        draw.line(
            [(x, 0), (x, height)],
            fill=tuple(round(a + (b - a) * mix) for a, b in zip(start, end, strict=True)),
        )
    for i, radius in enumerate((260, 180, 110)):
        centre = (980 - i * 40, 240 + i * 30)
        draw.ellipse(
            [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
            outline=(255, 255, 255),
            width=6,
        )
    if eyebrow:
        small = ImageFont.load_default(size=30)
        draw.text((72, 380), eyebrow.upper(), font=small, fill=(255, 210, 174))
    # Pillow's built-in font has no typographic dashes; the eyebrow carries the episode number.
    headline = textwrap.fill(EPISODE_SUFFIX.sub("", title), 30)
    font = ImageFont.load_default(size=54)
    draw.multiline_text((72, 430), headline, font=font, fill=(255, 255, 255), spacing=12)
    buffer = BytesIO()
    canvas.save(buffer, format="PNG")
    image = Image(title=title, file=ImageFile(buffer, name=f"{slugify(title)[:80]}.png"))
    image.save()
    return image


def _body(blocks: list[tuple[str, str]], *, course: Page | None = None) -> list[tuple]:
    """StreamField data from (block type, text) pairs; a course promo needs its course."""
    body = []
    for kind, text in blocks:
        if kind == "paragraph":
            body.append(("paragraph", RichText(f"<p>{escape(text)}</p>")))
        elif kind == "heading":
            body.append(("heading", {"text": text, "level": "h2"}))
        elif kind == "quote":
            body.append(("quote", {"quote": text, "attribution": ""}))
        elif kind == "course_promo" and course is not None:
            body.append(
                ("course_promo", {"text": text, "page": course, "url": "", "link_text": ""})
            )
        elif kind == "trainer_finder":
            body.append(
                ("trainer_finder", {"text": text, "page": None, "url": "", "link_text": ""})
            )
    return body


def _categories(slugs: list[str]) -> list[Category]:
    return list(Category.objects.filter(slug__in=slugs))


def _create_episode(spec: dict, *, palette: tuple[str, str], course: Page | None = None) -> None:
    if EpisodePage.objects.filter(number=spec["number"]).exists():
        return
    poster = demo_image(spec["title"], palette, eyebrow=f"Episode {spec['number']}")
    episode = EpisodePage(
        title=spec["title"],
        slug=spec["slug"],
        number=spec["number"],
        date=spec["date"],
        summary=spec["summary"],
        search_description=spec["summary"],
        video=[
            (
                "video",
                {
                    "title": spec["title"],
                    "url": DEMO_VIDEO_URL.format(number=spec["number"]),
                    "poster": poster,
                    "duration": spec["duration"],
                },
            )
        ],
        body=_body(spec["body"], course=course),
    )
    episode.highlights = [
        EpisodeHighlight(text=text, timestamp=timestamp) for text, timestamp in spec["highlights"]
    ]
    episode.categories = _categories(spec["categories"])
    episode.tags.add(*spec["tags"])
    _publish_child(episode_index(), episode)


def _create_article(spec: dict, *, palette: tuple[str, str]) -> None:
    if ArticlePage.objects.filter(slug=spec["slug"]).exists():
        return
    article = ArticlePage(
        title=spec["title"],
        slug=spec["slug"],
        author=spec["author"],
        date=spec["date"],
        summary=spec["summary"],
        search_description=spec["summary"],
        hero_image=demo_image(spec["title"], palette, eyebrow="Article"),
        body=_body(spec["body"]),
    )
    article.categories = _categories(spec["categories"])
    article.tags.add(*spec["tags"])
    _publish_child(article_index(), article)


def _feature_courses() -> None:
    """Put the first three live courses on the home page, unless editors chose some already."""
    home = home_page()
    if home.featured_courses.exists():
        return
    for order, course in enumerate(CoursePage.objects.live().order_by("path")[:3]):
        HomeFeaturedCourse.objects.create(page=home, course=course, sort_order=order)


def seed(*, stdout) -> None:
    """Episode 403 from the seed text, five more episodes and six articles, once each."""
    course = Page.objects.filter(slug="the-balance-gym").first()
    _create_episode(
        {
            "number": 403,
            "title": episode_403.TITLE,
            "slug": "backward-walking-for-back-pain",
            "date": library.EPISODE_403_DATE,
            "categories": ["back-pain", "balance"],
            "tags": ["backward walking", "retro-walking", "vestibular"],
            "summary": episode_403.SUMMARY,
            "highlights": episode_403.HIGHLIGHTS,
            "duration": episode_403.DURATION,
            "body": episode_403.BODY,
        },
        palette=PALETTES[0],
        course=course,
    )
    for i, spec in enumerate(library.EPISODES, start=1):
        _create_episode(spec, palette=PALETTES[i % len(PALETTES)])
    for i, spec in enumerate(library.ARTICLES):
        _create_article(spec, palette=PALETTES[i % len(PALETTES)])
    _feature_courses()
    stdout.write(
        f"Content: {EpisodePage.objects.count()} episodes, {ArticlePage.objects.count()} articles, "
        f"{Category.objects.count()} categories; "
        "episode 403 at /episodes/backward-walking-for-back-pain/"
    )
