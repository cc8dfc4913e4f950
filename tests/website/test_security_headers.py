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
