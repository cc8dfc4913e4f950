"""Every public page type has the same SEO head; JSON-LD parsed and checked per type; sitemap."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from courses.demo import course_index as demo_course_index
from tests.conftest import SITE_URL
from tests.content.factories import ArticlePageFactory, CategoryFactory, ImageFactory
from tests.content.test_seo import SITEMAP, by_type, head_of
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.trainers.factories import CertificationFactory, TrainerFactory
from trainers.demo import directory_page

pytestmark = pytest.mark.django_db


def _assert_seo_head(head, *, url: str, title: str):
    assert head.links["canonical"] == f"{SITE_URL}{url}"
    assert head.meta["og:url"] == f"{SITE_URL}{url}"
    assert head.meta["og:title"] == title
    assert head.meta["og:site_name"] == "Coachhouse"
    assert head.meta["og:description"]
    crumbs = by_type(head.json_ld, "BreadcrumbList")["itemListElement"]
    assert crumbs[-1]["item"] == f"{SITE_URL}{url}"


@pytest.fixture
def course(home_page):
    course = CoursePageFactory(
        parent=demo_course_index(),
        title="The Balance Gym",
        summary="Twelve weeks of balance training.",
        price_cents=14900,
        hero_image=ImageFactory(),
    )
    LessonPageFactory(parent=course, duration_seconds=20 * 60)
    LessonPageFactory(parent=course, duration_seconds=25 * 60)
    return course


def test_a_course_page_has_the_seo_head_and_course_json_ld_with_its_offer(client, course):
    head = head_of(client, course.url)
    _assert_seo_head(head, url=course.url, title="The Balance Gym")
    assert head.meta["og:image"].startswith(f"{SITE_URL}/media/images/")
    data = by_type(head.json_ld, "Course")
    assert data["name"] == "The Balance Gym"
    assert data["description"] == "Twelve weeks of balance training."
    assert data["provider"] == {
        "@type": "Organization",
        "name": "Coachhouse",
        "url": f"{SITE_URL}/",
    }
    assert data["offers"] == {
        "@type": "Offer",
        "category": "Paid",
        "price": "149.00",
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
        "url": f"{SITE_URL}{course.url}",
    }
    assert data["hasCourseInstance"] == {
        "@type": "CourseInstance",
        "courseMode": "Online",
        "courseWorkload": "PT45M",
    }


def test_a_course_no_longer_sold_says_so_in_its_offer(client, course):
    course.is_purchasable = False
    course.save_revision().publish()
    offer = by_type(head_of(client, course.url).json_ld, "Course")["offers"]
    assert offer["availability"] == "https://schema.org/Discontinued"


def test_the_course_index_has_the_seo_head_and_lists_its_courses(client, course):
    index = course.get_parent()
    head = head_of(client, index.url)
    _assert_seo_head(head, url=index.url, title=index.title)
    items = by_type(head.json_ld, "ItemList")["itemListElement"]
    assert items == [{"@type": "ListItem", "position": 1, "url": f"{SITE_URL}{course.url}"}]


def test_the_gift_card_page_has_the_seo_head(client, home_page):
    _assert_seo_head(
        head_of(client, "/shop/gift-cards/"), url="/shop/gift-cards/", title="Gift cards"
    )


def test_find_a_trainer_has_the_seo_head(client, home_page):
    page = directory_page()
    _assert_seo_head(head_of(client, page.url), url=page.url, title=page.title)


def test_a_trainer_profile_describes_the_practice_without_the_email(client, home_page):
    page = directory_page()
    trainer = TrainerFactory(
        name="Dana Reyes",
        offers_online=True,
        certifications=[CertificationFactory(name="R-Phase")],
        photo=ImageFactory(),
    )
    url = trainer.get_absolute_url()
    response = client.get(url)
    head = head_of(client, url)
    _assert_seo_head(head, url=url, title="Dana Reyes, movement trainer")
    data = by_type(head.json_ld, "LocalBusiness")
    assert data["name"] == "Dana Reyes"
    assert data["url"] == f"{SITE_URL}{url}"
    assert data["areaServed"] == ["Chicago, IL", "Online"]
    assert data["address"]["addressLocality"] == "Chicago"
    assert data["geo"]["latitude"] == pytest.approx(41.8858)
    assert data["employee"]["hasCredential"][0]["name"] == "R-Phase"
    assert data["image"].startswith(f"{SITE_URL}/media/images/")
    assert trainer.email not in response.content.decode()
    assert page.url in [
        urlsplit(c["item"]).path for c in by_type(head.json_ld, "BreadcrumbList")["itemListElement"]
    ]


def test_a_category_page_shares_as_the_category_and_the_home_page_as_the_site(
    client, article_index
):
    category = CategoryFactory(name="Balance", slug="balance", description="Stand steadier.")
    ArticlePageFactory(parent=article_index, categories=[category])
    head = head_of(client, "/articles/category/balance/")
    assert head.meta["og:title"] == "Balance"
    assert head.meta["og:description"] == "Stand steadier."
    assert head_of(client, "/").meta["og:title"] == "Coachhouse"


def test_every_sitemap_url_is_on_site_url_and_answers_200_to_a_visitor(client, demo_database):
    document = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own response
    locations = [loc.text for loc in document.iter(f"{SITEMAP}loc")]
    assert len(locations) > 20
    for location in locations:
        parts = urlsplit(location)
        assert f"{parts.scheme}://{parts.netloc}" == SITE_URL, location
        response = client.get(parts.path)
        assert response.status_code == 200, f"{location} answered {response.status_code}"


def test_the_sitemap_lists_free_preview_lessons_but_never_paywalled_ones(client, course):
    free = LessonPageFactory(parent=course, is_free_preview=True)
    paid = course.get_children().first()
    locations = client.get("/sitemap.xml").content.decode()
    assert f"{SITE_URL}{free.url}<" in locations
    assert f"{SITE_URL}{paid.url}<" not in locations
