def test_pages_carry_a_content_security_policy_allowing_only_our_own_scripts(client, home_page):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "youtube-nocookie.com" in directives["frame-src"]


def test_the_wagtail_admin_is_left_to_its_own_policy(client, db):
    assert "Content-Security-Policy" not in client.get("/admin/login/")


def test_pages_refuse_framing_sniffing_and_full_referrers(client, home_page):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))["frame-ancestors"]


def test_pages_carry_a_permissions_policy_that_switches_off_unused_features(client, home_page):
    policy = client.get("/")["Permissions-Policy"]
    assert "camera=()" in policy
    assert "microphone=()" in policy
    assert "geolocation=(self)" in policy


def test_wagtail_previews_may_be_framed_by_our_own_origin_only(client, home_page):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    for url in [
        f"/admin/pages/{home_page.pk}/view_draft/",
        f"/admin/pages/{home_page.pk}/revisions/{home_page.latest_revision_id}/view/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "SAMEORIGIN", url
        assert _frame_ancestors(response) == "'self'", url


def test_the_live_page_an_editor_sees_still_refuses_framing(client, home_page):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(response) == "'none'"


def test_each_distinct_policy_is_built_once_and_a_widened_one_stays_with_its_own_view(
    client, home_page
):
    from unittest import mock

    import csp.utils

    from trainers.demo import directory_page
    from website import headers

    directory_page()
    with mock.patch.object(headers, "build_policy", wraps=csp.utils.build_policy) as build:
        first, second = client.get("/?a=1"), client.get("/?a=2")
        widened = client.get("/find-a-trainer/")
        again = client.get("/?a=3")

    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "tile.openstreetmap.org" in widened["Content-Security-Policy"]
    assert "tile.openstreetmap.org" not in again["Content-Security-Policy"]
    # Per process, at most: the plain policy, the map's, and their report-only twins.
    assert build.call_count <= 4
