"""The demo's page tree: one site whose root is the HomePage."""

from wagtail.models import Page, Site

from website.content.models import HomePage


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
    return home


def seed_site_tree(*, stdout) -> None:
    home_page()
    stdout.write("Site tree: home page at /")
