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
