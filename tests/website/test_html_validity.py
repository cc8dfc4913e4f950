"""The W3C Nu HTML checker (vnu.jar) finds no errors on the key public pages.

`.ci/run` installs the checker from npm (`vnu-jar`) into var/vnu/; Java 17+ runs it. Without
either the test skips, saying which is missing (in CI it fails instead).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from courses.models import LessonPage
from trainers.models import Trainer
from website.content.models import ArticlePage

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "var/vnu/node_modules/vnu-jar/build/dist/vnu.jar"))
PAGES = [
    "/",
    "/episodes/backward-walking-for-back-pain/",
    "/episodes/",
    "/articles/",
    "/courses/",
    "/courses/the-balance-gym/",
    "/find-a-trainer/?q=60601",
    "/shop/gift-cards/",
    "/search/?q=balance",
    "/account/login/",
    "/account/signup/",
    "/shop/cart/",
    "/contact/",
    "/refund-policy/",
    "/search/?q=backwrd+walking",
]

pytestmark = pytest.mark.django_db


def _checker() -> list[str]:
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (apt-get install openjdk-17-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (npm install --prefix var/vnu vnu-jar)")
    if missing:
        reason = "The Nu HTML checker needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run it, not skip it")
        pytest.skip(reason)
    return [java, "-Xss1m", "-jar", str(VNU_JAR)]


def assert_no_html_errors(checker: list[str], files: list[tuple[Path, str]]) -> None:
    """Run the checker once over `files` (each with the name to report it by) and fail with
    every error by name and line; also fail if the checker did not run."""
    result = subprocess.run(
        [*checker, "--errors-only", "--format", "json", *(str(f) for f, _ in files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or '{"messages": []}')
    by_file = {str(f): name for f, name in files}
    errors = [
        f"{by_file.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in report["messages"]
        if m["type"] == "error"
    ]
    assert errors == []
    assert result.returncode == 0, result.stderr[-2000:]  # the checker ran and found nothing


def test_the_key_public_pages_have_no_html_errors(demo_database, client, settings, tmp_path):
    checker = _checker()
    settings.DEBUG = False
    trainer = Trainer.objects.published().order_by("pk").first()
    article = ArticlePage.objects.live().order_by("path").first()
    category = article.categories.first()
    preview = LessonPage.objects.live().filter(is_free_preview=True).order_by("path").first()
    paths = [
        *PAGES,
        trainer.get_absolute_url(),
        article.url,
        f"/articles/category/{category.slug}/",
        preview.url,  # a lesson's video facade, its length badge included
    ]
    files = []
    for number, path in enumerate(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(response.content)
        files.append((file, path))
    assert_no_html_errors(checker, files)
