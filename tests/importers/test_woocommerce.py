import pytest
from django.core.management.base import CommandError
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import Page, Revision

from courses.demo import course_index as demo_course_index
from courses.models import CoursePage
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from website.importers.models import ImportedItem

from .conftest import FIXTURES

PRODUCTS = FIXTURES / "products.csv"


def counts():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        Image.objects.count(),
        Redirect.objects.count(),
        ImportedItem.objects.count(),
    )


@pytest.fixture
def imported(home_page, uploads, run_command):
    return run_command("import_woocommerce", PRODUCTS, uploads=uploads)


def test_simple_virtual_products_become_course_pages_with_price_and_image(imported):
    gym = CoursePage.objects.get(title="The Balance Gym")
    assert gym.live
    assert gym.price_cents == 19900
    assert gym.compare_at_price_cents is None
    assert gym.summary == "Eight weeks of balance training at home."
    assert gym.hero_image.title == "Balance gym"
    assert [b.block_type for b in gym.description] == ["heading", "paragraph"]
    assert gym.description[0].value == "What you get"
    assert "<script" not in gym.description[1].value.source
    assert "<li>Lifetime access</li>" in gym.description[1].value.source
    assert gym.trailer[0].value["url"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert gym.get_parent().specific_class.__name__ == "CourseIndexPage"


def test_a_course_is_not_put_on_sale_before_it_has_lessons(
    imported, uploads, run_command, tmp_path
):
    gym = CoursePage.objects.get(title="The Balance Gym")
    assert not gym.is_purchasable
    assert "no lessons yet: imported as not for sale" in imported
    # Once the coach has added a lesson, the next import that changes the product sells it.
    LessonPageFactory(parent=gym)
    changed = tmp_path / "products.csv"
    changed.write_text(PRODUCTS.read_text().replace(",199,", ",249,"))
    run_command("import_woocommerce", changed, uploads=uploads)
    gym.refresh_from_db()
    assert gym.is_purchasable and gym.price_cents == 24900


def test_a_sale_price_is_the_price_and_the_regular_price_the_was_price(imported):
    essentials = CoursePage.objects.get(title="Pain Essentials")
    assert (essentials.price_cents, essentials.compare_at_price_cents) == (7950, 12900)
    assert essentials.hero_image is None
    assert "image 2020/01/pain-essentials.jpg not found" in imported


def test_draft_products_stay_drafts(imported):
    assert not CoursePage.objects.get(title="Vision Lab").live


def test_variable_variation_and_physical_products_are_skipped_with_a_reason(imported):
    assert not CoursePage.objects.filter(title__startswith="Coaching call").exists()
    assert not CoursePage.objects.filter(title="Massage ball set").exists()
    assert "COACH-CALL [product] 'Coaching call': line 10: variable products" in imported
    assert "COACH-CALL-30 [product] 'Coaching call - 30 min': line 11: a variation" in imported
    assert "BALL-SET [product] 'Massage ball set': line 12: a physical product" in imported


def test_a_bad_price_skips_that_product_naming_its_line_and_nothing_of_it_is_written(imported):
    assert (
        "BROKEN-PRICE [product] 'Breathing Basics': line 14: Regular price '49,9O' is not a price"
        in (imported)
    )
    assert not CoursePage.objects.filter(title="Breathing Basics").exists()
    assert not ImportedItem.objects.filter(source_id="BROKEN-PRICE").exists()
    assert "Total: 3 created, 0 updated, 0 unchanged, 4 skipped" in imported


def test_old_product_addresses_redirect_permanently(imported, client):
    gym = CoursePage.objects.get(title="The Balance Gym")
    for old in ("/product/the-balance-gym/", "/?p=501"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == gym.url


def test_a_second_run_changes_nothing(imported, uploads, run_command):
    before = counts()
    again = run_command("import_woocommerce", PRODUCTS, uploads=uploads)
    assert counts() == before
    assert "Total: 0 created, 0 updated, 3 unchanged, 4 skipped" in again


def test_a_changed_price_updates_the_course_found_by_sku(imported, uploads, run_command, tmp_path):
    changed = tmp_path / "products.csv"
    changed.write_text(PRODUCTS.read_text().replace(",199,", ",249,"))
    report = run_command("import_woocommerce", changed, uploads=uploads)
    assert "Total: 0 created, 1 updated, 2 unchanged" in report
    assert CoursePage.objects.get(title="The Balance Gym").price_cents == 24900
    assert CoursePage.objects.filter(title="The Balance Gym").count() == 1


def test_dry_run_writes_nothing_and_still_reports(home_page, uploads, run_command):
    before = counts()
    report = run_command("import_woocommerce", PRODUCTS, uploads=uploads, dry_run=True)
    assert counts() == before
    assert report.startswith("Dry run: nothing was written.")
    assert "Total: 3 created" in report
    assert not any((uploads.parent).glob("**/original_images/*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Name,Price\nA course,10\n", "Missing columns: Type, SKU, Published, Regular price"),
        (b"Type,SKU,Name,Published,Regular price\nsimple,A,\xff\xfe,1,10\n", "not UTF-8"),
        (
            b'Type,SKU,Name,Published,Regular price\nsimple,A,"unclosed,1,10\n',
            "not valid CSV",
        ),
    ],
)
def test_a_malformed_csv_is_refused_with_a_clear_message_and_nothing_written(
    home_page, tmp_path, run_command, content, message
):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    before = counts()
    with pytest.raises(CommandError, match=message):
        run_command("import_woocommerce", bad)
    assert counts() == before


def test_a_course_already_at_the_products_address_is_left_alone_and_named_in_the_report(
    home_page, uploads, run_command
):
    existing = CoursePageFactory(
        parent=demo_course_index(), title="The Balance Gym", slug="the-balance-gym"
    )
    report = run_command("import_woocommerce", PRODUCTS, uploads=uploads)
    existing.refresh_from_db()
    assert existing.price_cents == 10000
    imported = CoursePage.objects.exclude(pk=existing.pk).get(title="The Balance Gym")
    assert imported.slug == "the-balance-gym-2"
    assert "a page at 'the-balance-gym' exists already" in report
