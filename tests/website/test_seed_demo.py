from django.apps import apps
from django.core.management import call_command

from website.content.models import HomePage


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed
    }


# demo_database is what seed_demo built, once per test run (tests/database.py).


def test_seed_demo_builds_the_site_tree_with_the_home_page_as_the_default_site_root(demo_database):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


def test_seed_demo_twice_changes_nothing(demo_database):
    before = row_counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = row_counts()
    # Sessions and revision/log bookkeeping are not content; everything else must stay the same.
    assert {k: v for k, v in after.items() if k != "sessions.Session"} == {
        k: v for k, v in before.items() if k != "sessions.Session"
    }


def test_seed_demo_prints_the_demo_logins(demo_database, capsys):
    call_command("seed_demo")
    assert "admin@coachhouse.test / coachhouse-demo" in capsys.readouterr().out


def test_the_demo_shop_manager_runs_the_shop_and_the_demo_editor_has_no_money(db, capsys):
    from website.accounts.models import User

    call_command("seed_demo")
    assert "shop@coachhouse.test / coachhouse-demo" in capsys.readouterr().out
    shop = User.objects.get(email="shop@coachhouse.test")
    editor = User.objects.get(email="editor@coachhouse.test")
    admin = User.objects.get(email="admin@coachhouse.test")
    money = ["shop.add_giftcard", "shop.add_coupon", "shop.view_order", "shop.refund_order"]
    assert shop.check_password("coachhouse-demo")
    assert all(shop.has_perm(p) for p in money) and shop.has_perm("wagtailadmin.access_admin")
    assert not any(editor.has_perm(p) for p in money)
    assert editor.has_perm("wagtailadmin.access_admin")
    assert all(admin.has_perm(p) for p in money)
