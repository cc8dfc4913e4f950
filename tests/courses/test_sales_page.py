"""The course sales page: curriculum, instructor, testimonials, FAQ, guarantee, JSON-LD."""

import json
import re

import pytest
from wagtail.models import Site

from courses.models import LessonPage
from tests.content.factories import StandardPageFactory
from tests.courses.factories import (
    CoursePageFactory,
    CourseQuestionFactory,
    CourseTestimonialFactory,
    InstructorFactory,
    LessonPageFactory,
    ModuleFactory,
)
from website.content.demo import demo_image
from website.content.models import TrustPages

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured_data(html: str) -> dict[str, dict]:
    """The page's JSON-LD objects, parsed, by @type."""
    return {item["@type"]: item for item in map(json.loads, LD_JSON.findall(html))}


def section(html: str, element_id: str) -> str:
    """The HTML of the <section> labelled by the heading with `element_id` (nested ones too)."""
    start = html.index(f'aria-labelledby="{element_id}"')
    depth, position = 1, start
    while depth:
        opening = html.find("<section", position)
        closing = html.index("</section>", position)
        if opening != -1 and opening < closing:
            depth, position = depth + 1, opening + 1
        else:
            depth, position = depth - 1, closing + 1
    return html[start:position]


@pytest.fixture
def modules(course):
    return [
        ModuleFactory(course=course, title="Start here", sort_order=0),
        ModuleFactory(course=course, title="Eyes and inner ear", sort_order=1),
    ]


def test_the_curriculum_groups_lessons_by_module_in_module_order_with_durations(
    client, course, modules
):
    start, eyes = modules
    # Page order differs from module order: the module order wins.
    LessonPageFactory(parent=course, title="Gaze drills", module=eyes, duration_seconds=725)
    LessonPageFactory(parent=course, title="Welcome", module=start, duration_seconds=372)
    LessonPageFactory(parent=course, title="Bonus Q&A", duration_seconds=3725)

    html = client.get(course.url).content.decode()

    outline = section(html, "curriculum-title")
    positions = [
        outline.index(text)
        for text in ["Start here", "Welcome", "Eyes and inner ear", "Gaze drills", "More lessons"]
    ]
    assert positions == sorted(positions)
    assert '<time datetime="PT6M12S">6:12</time>' in outline
    assert '<time datetime="PT12M5S">12:05</time>' in outline
    assert '<time datetime="PT1H2M5S">1:02:05</time>' in outline
    assert "3 parts · 3 lessons" in outline


def test_a_course_without_modules_lists_its_lessons_under_one_heading(client, course):
    LessonPageFactory(parent=course, title="Welcome")
    html = client.get(course.url).content.decode()
    assert ">Lessons <span" in section(html, "curriculum-title")
    assert "More lessons" not in html


def test_free_previews_are_marked_and_open_to_anonymous_visitors_paid_lessons_are_not_linked(
    client, course, free_lesson, paid_lesson
):
    html = client.get(course.url).content.decode()

    preview_tag = '<span aria-hidden="true">▶</span> Free preview'
    assert f'<a class="tag tag--preview" href="{free_lesson.url}">{preview_tag}' in html
    assert f'href="{paid_lesson.url}"' not in html
    preview = client.get(free_lesson.url)
    assert preview.status_code == 200
    assert b"Free preview" in preview.content
    assert client.get(paid_lesson.url).status_code == 302


def test_the_instructor_block_shows_photo_bio_and_credentials(client, course):
    photo = demo_image("Coach portrait", ("#0f5c63", "#b9470b"))
    course.instructor = InstructorFactory(name="Dr. Maya Ellison", photo=photo)
    course.save_revision().publish()

    html = client.get(course.url).content.decode()

    block = section(html, "instructor-title")
    assert "Dr. Maya Ellison" in block
    assert "Physical therapist" in block
    assert "<li>Doctor of Physical Therapy</li>" in block
    assert "<p>Now teaching online.</p>" in block
    assert 'class="instructor__photo"' in block
    course_ld = structured_data(html)["Course"]
    assert course_ld["instructor"] == [
        {"@type": "Person", "name": "Dr. Maya Ellison", "description": "Physical therapist"}
    ]


def test_a_course_without_instructor_testimonials_or_faq_leaves_those_blocks_out(client, course):
    html = client.get(course.url).content.decode()
    assert "instructor-title" not in html
    assert "testimonials-title" not in html
    assert "faq-title" not in html
    data = structured_data(html)
    assert "FAQPage" not in data
    assert "aggregateRating" not in data["Course"]
    assert "instructor" not in data["Course"]


def test_testimonials_show_stars_and_the_json_ld_averages_only_the_rated_ones(client, course):
    CourseTestimonialFactory(course=course, author="Carol M.", rating=5)
    CourseTestimonialFactory(course=course, author="Sofia L.", rating=4)
    CourseTestimonialFactory(course=course, author="Ben A.", rating=4)
    CourseTestimonialFactory(course=course, author="No stars", rating=None)

    html = client.get(course.url).content.decode()

    block = section(html, "testimonials-title")
    assert block.count("<blockquote>") == 4
    assert (
        '<span aria-hidden="true">★★★★☆</span><span class="visually-hidden">Rated 4 out of 5'
        in (block)
    )
    assert block.count('class="stars"') == 3
    assert structured_data(html)["Course"]["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.3,
        "ratingCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_testimonials_without_ratings_give_no_aggregate_rating(client, course):
    CourseTestimonialFactory(course=course, author="Ben A.", rating=None)

    html = client.get(course.url).content.decode()

    assert "Ben A." in html
    assert "aggregateRating" not in structured_data(html)["Course"]


def test_the_faq_is_shown_and_given_as_faqpage_json_ld(client, course):
    CourseQuestionFactory(
        course=course, question="Is it safe?", answer="Every drill starts seated.\n\nAsk first."
    )
    CourseQuestionFactory(course=course, question="How long?", answer="Ten minutes a day.")

    html = client.get(course.url).content.decode()

    block = section(html, "faq-title")
    assert "<summary>Is it safe?</summary>" in block
    assert "<p>Every drill starts seated.</p><p>Ask first.</p>" in block
    assert structured_data(html)["FAQPage"] == {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": "Is it safe?",
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": "Every drill starts seated.\n\nAsk first.",
                },
            },
            {
                "@type": "Question",
                "name": "How long?",
                "acceptedAnswer": {"@type": "Answer", "text": "Ten minutes a day."},
            },
        ],
    }


def choose_refund_policy(page) -> None:
    """Make `page` the refund policy of the "Trust pages" setting."""
    trust = TrustPages.for_site(Site.objects.get(is_default_site=True))
    trust.refund_policy = page
    trust.save()


def test_the_guarantee_links_the_refund_policy_page_when_it_is_live(client, home_page, course):
    course.guarantee = "14-day money-back guarantee."
    course.save_revision().publish()
    choose_refund_policy(
        StandardPageFactory(parent=home_page, title="Refund policy", slug="refund-policy")
    )

    html = client.get(course.url).content.decode()

    block = section(html, "guarantee-title")
    assert "14-day money-back guarantee." in block
    assert '<a href="/refund-policy/">Read the refund policy</a>' in block


@pytest.mark.parametrize("policy", ["absent", "draft"])
def test_the_guarantee_links_no_refund_policy_that_would_be_a_404(
    client, home_page, course, policy
):
    if policy == "draft":
        choose_refund_policy(
            StandardPageFactory(parent=home_page, slug="refund-policy", live=False)
        )
    course.guarantee = "14-day money-back guarantee."
    course.save_revision().publish()

    html = client.get(course.url).content.decode()

    assert "14-day money-back guarantee." in section(html, "guarantee-title")
    assert "/refund-policy/" not in html


def test_the_buy_box_holds_the_price_and_add_to_cart_for_a_visitor(client, course):
    html = client.get(course.url).content.decode()
    box = html[html.index('<aside class="buy-box"') : html.index("</aside>")]
    assert 'aria-label="Buy this course"' in box
    assert "$149.00" in box
    assert "Add to cart" in box
    assert html.count("Add to cart<span") == 1


def _grow(course, modules, *, lessons, testimonials, questions):
    for number in range(lessons):
        LessonPageFactory(parent=course, module=modules[number % 2], is_free_preview=number == 0)
    for _ in range(testimonials):
        CourseTestimonialFactory(course=course)
    for _ in range(questions):
        CourseQuestionFactory(course=course)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "owner"])
def test_the_course_page_query_count_stays_flat_as_lessons_and_testimonials_grow(
    client, course, modules, enrolled_user, django_assert_max_num_queries, signed_in
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course.instructor = InstructorFactory(photo=demo_image("Portrait", ("#0f5c63", "#b9470b")))
    course.save_revision().publish()
    if signed_in:
        client.force_login(enrolled_user)
    _grow(course, modules, lessons=2, testimonials=1, questions=1)
    client.get(course.url)  # warm Wagtail's per-site caches and the image renditions
    with CaptureQueriesContext(connection) as small:
        assert client.get(course.url).status_code == 200
    budget = len(small)  # read now: the next request resets the connection's query log

    _grow(course, modules, lessons=10, testimonials=8, questions=6)
    client.get(course.url)

    with django_assert_max_num_queries(budget):
        response = client.get(course.url)
    assert response.content.decode().count("lesson-list__item--preview") == 2
    assert LessonPage.objects.child_of(course).count() == 12


def test_a_lessons_previous_and_next_follow_the_curriculum_order(client, course, modules):
    start, eyes = modules
    later = LessonPageFactory(parent=course, title="Gaze drills", module=eyes)
    first = LessonPageFactory(parent=course, title="Welcome", module=start, is_free_preview=True)
    response = client.get(first.url)
    assert response.context["previous_lesson"] is None
    assert response.context["next_lesson"].pk == later.pk


def test_the_structured_data_workload_sums_lesson_seconds(client, course):
    LessonPageFactory(parent=course, duration_seconds=20 * 60 + 40)
    LessonPageFactory(parent=course, duration_seconds=24 * 60 + 20)
    html = client.get(course.url).content.decode()
    assert structured_data(html)["Course"]["hasCourseInstance"]["courseWorkload"] == "PT45M"


def test_a_course_of_another_index_is_not_mixed_into_this_curriculum(client, course, course_index):
    other = CoursePageFactory(parent=course_index, title="Pain-Free Posture")
    LessonPageFactory(parent=other, title="Desk routine")
    LessonPageFactory(parent=course, title="Welcome")
    html = client.get(course.url).content.decode()
    assert "Welcome" in html
    assert "Desk routine" not in html


def test_the_hero_shows_the_average_rating_only_when_there_are_ratings(client, course, free_lesson):
    assert "rating" not in section_of_hero(client.get(course.url).content.decode())
    CourseTestimonialFactory(course=course, rating=5)
    CourseTestimonialFactory(course=course, rating=4)
    hero = section_of_hero(client.get(course.url).content.decode())
    assert '4.5<span class="visually-hidden"> out of 5</span> (2 ratings)' in hero


def section_of_hero(html: str) -> str:
    start = html.index('<header class="course-hero">')
    return html[start : html.index("</header>", start)]
