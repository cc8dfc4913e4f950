from django.apps import apps
from django.core.management import call_command

from website.content.models import HomePage


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


# demo_database is what seed_demo built, once per test run (tests/database.py). Seeding again
# costs ~7 CPU-s, so one test seeds a second time and checks all that a re-seed must do (it
# stands for five that each seeded again: content, certificates and courses counted their own
# rows, and two read the logins printed).


def test_seed_demo_builds_the_site_tree_with_the_home_page_as_the_default_site_root(demo_database):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


def test_seed_demo_twice_changes_nothing_and_prints_the_demo_logins(demo_database, capsys):
    """Every model's rows (certificates, grants, trainer profiles, quizzes, modules, sessions
    and all) stay as they were; the logins are printed each time."""
    before = row_counts()
    call_command("seed_demo")
    assert row_counts() == before
    out = capsys.readouterr().out
    assert "admin@coachhouse.test / coachhouse-demo" in out
    assert "shop@coachhouse.test / coachhouse-demo" in out


def test_the_demo_shop_manager_runs_the_shop_and_the_demo_editor_has_no_money(demo_database):
    from website.accounts.models import User

    shop = User.objects.get(email="shop@coachhouse.test")
    editor = User.objects.get(email="editor@coachhouse.test")
    admin = User.objects.get(email="admin@coachhouse.test")
    money = ["shop.add_giftcard", "shop.add_coupon", "shop.view_order", "shop.refund_order"]
    assert shop.check_password("coachhouse-demo")
    assert all(shop.has_perm(p) for p in money) and shop.has_perm("wagtailadmin.access_admin")
    assert not any(editor.has_perm(p) for p in money)
    assert editor.has_perm("wagtailadmin.access_admin")
    assert all(admin.has_perm(p) for p in money)
