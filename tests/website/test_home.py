def test_home_page_renders_the_hero_and_every_section_of_the_navigation(client, home_page):
    body = client.get("/").content.decode()
    assert home_page.hero_heading in body
    for href in [
        'href="/episodes/"',
        'href="/articles/"',
        'href="/courses/"',
        'href="/find-a-trainer/"',
        'href="/shop/cart/"',
    ]:
        assert href in body


def test_migrations_are_complete(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
