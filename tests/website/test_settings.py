"""Settings come from the environment; a bad value stops start-up with a message naming it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OWN_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST",
    "DEFAULT_FROM_EMAIL", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE", "MEDIA_STORAGE", "SITE_CURRENCY", "TRUSTED_PROXY_COUNT", "PAYMENTS",
    "SITE_URL", "TASK_QUEUE",
}  # fmt: skip
DEPLOYMENT = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "coachhouse.example.com",
    "SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789",
}
STRIPE_TEST_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_deployment",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_deployment",
    "STRIPE_WEBHOOK_SECRET": "whsec_deployment",
}
PRODUCTION = {**DEPLOYMENT, **STRIPE_TEST_KEYS}
CHECK_DEPLOY = (
    "import sys; from django.core.management import execute_from_command_line as run; "
    "run(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
)
# Every environment the tests read the settings under: read in one interpreter
# (tests/website/settings_probe.py), not one interpreter start each (~3 CPU-s apiece).
PRODUCTION_SERVICES = {
    **PRODUCTION,
    "DATABASE_URL": "postgres://u:p@db.internal:5432/coachhouse",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "SITE_CURRENCY": "eur",
}
STARTUP_ERRORS = [
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({"DEBUG": "0", "ALLOWED_HOSTS": "coachhouse.example.com"}, "SECRET_KEY"),
    (DEPLOYMENT, "STRIPE_SECRET_KEY"),
    ({**DEPLOYMENT, "PAYMENTS": "stripe"}, "PAYMENTS"),
    ({**PRODUCTION, "PAYMENTS": "test"}, "STRIPE_SECRET_KEY"),
    ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ({"SITE_CURRENCY": "dollars"}, "SITE_CURRENCY"),
    ({"SITE_CURRENCY": "XYZ"}, "SITE_CURRENCY"),
    ({"SITE_CURRENCY": "JPY"}, "SITE_CURRENCY"),
    ({"SITE_CURRENCY": "KWD"}, "SITE_CURRENCY"),
    ({"SITE_CURRENCY": "HUF"}, "SITE_CURRENCY"),
    ({"STRIPE_SECRET_KEY": "sk_test_123"}, "STRIPE_WEBHOOK_SECRET"),
    ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE"),
    ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT"),
    ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
    ({"SITE_URL": "coach.example.com"}, "SITE_URL"),
    ({"SITE_URL": "http://127.0.0.1:port"}, "SITE_URL"),
    ({"SITE_URL": "https://coach.example.com/shop"}, "SITE_URL"),
    ({**PRODUCTION, "ALLOWED_HOSTS": "*"}, "SITE_URL"),
    ({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
    ({"TASK_QUEUE": "redis"}, "TASK_QUEUE"),
]
SITE_URLS = [
    ({}, "http://127.0.0.1:8000"),
    ({"SITE_URL": "http://127.0.0.1:8107/"}, "http://127.0.0.1:8107"),
    (PRODUCTION, "https://coachhouse.example.com"),
    ({**PRODUCTION, "SITE_URL": "https://www.coach.example"}, "https://www.coach.example"),
]
ENVIRONMENTS = [
    {},
    PRODUCTION_SERVICES,
    {"TASK_QUEUE": "database"},
    {**DEPLOYMENT, "PAYMENTS": "test"},
    *(variables for variables, _ in STARTUP_ERRORS),
    *(variables for variables, _ in SITE_URLS),
]


def run_python(code: str, **variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="website.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _key(variables: dict) -> str:
    return json.dumps(variables, sort_keys=True)


def _probe(environments: list[dict]) -> dict[str, dict]:
    code = "from tests.website.settings_probe import main; main()"
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        input=json.dumps(environments),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(environments), result.stdout
    return {_key(e): json.loads(line) for e, line in zip(environments, lines, strict=True)}


@pytest.fixture(scope="module")
def settings_under():
    """`settings_under(variables)`: the settings as start-up reads them with those variables
    set ({"values": …} or {"error": "module.Exception: message"}). ENVIRONMENTS are read at
    once in one interpreter; any other environment gets one of its own."""
    results = _probe(ENVIRONMENTS)

    def read(variables: dict) -> dict:
        if _key(variables) not in results:
            results.update(_probe([variables]))
        return results[_key(variables)]

    return read


def values_under(settings_under, variables: dict) -> dict:
    result = settings_under(variables)
    assert "values" in result, result["error"]
    return result["values"]


def test_defaults_are_the_embedded_demo(settings_under):
    values = values_under(settings_under, {})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["email"].endswith("console.EmailBackend")
    assert values["tasks"].endswith("ImmediateBackend")
    assert values["debug"] is False
    assert values["currency"] == "USD"
    assert values["ssl_redirect"] is False


def test_production_values_switch_on_redis_smtp_and_https(settings_under):
    values = values_under(settings_under, PRODUCTION_SERVICES)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["cache"].endswith("RedisCache")
    assert values["email"].endswith("smtp.EmailBackend")
    assert values["tasks"] == "django_tasks_db.DatabaseBackend"
    assert values["currency"] == "EUR"
    assert values["ssl_redirect"] is True


def test_task_queue_database_queues_the_demos_tasks_for_a_worker(settings_under):
    values = values_under(settings_under, {"TASK_QUEUE": "database"})
    assert values["tasks"] == "django_tasks_db.DatabaseBackend"


# `manage.py check --deploy` runs Django's system checks: a whole start-up each.
def test_check_deploy_is_clean_with_only_the_required_production_values():
    result = run_python(CHECK_DEPLOY, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_naming_stripe_when_a_deployment_has_no_stripe_keys():
    result = run_python(CHECK_DEPLOY, **DEPLOYMENT)
    assert result.returncode != 0
    assert "STRIPE_SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_a_deployment_may_opt_into_test_payments_explicitly(settings_under):
    assert values_under(settings_under, {**DEPLOYMENT, "PAYMENTS": "test"})["payments"] == "test"
    assert run_python(CHECK_DEPLOY, **DEPLOYMENT, PAYMENTS="test").returncode == 0


@pytest.mark.parametrize(("variables", "named"), STARTUP_ERRORS)
def test_a_missing_or_malformed_value_stops_start_up_naming_the_variable(
    settings_under, variables, named
):
    error = settings_under(variables).get("error", "")
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: "), error
    assert named in error.strip().splitlines()[-1]


def test_on_s3_documents_are_private_and_signed_for_a_minute_while_images_stay_public():
    pytest.importorskip("storages.backends.s3")
    result = run_python(
        "import django; django.setup()\n"
        "from django.core.files.storage import default_storage as s\n"
        "print(s.url('documents/lesson.mp4')); print(s.url('images/poster.jpg'))",
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="coach-media",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="example-secret",
        AWS_S3_REGION_NAME="eu-west-1",
    )
    assert result.returncode == 0, result.stderr
    private, public = result.stdout.split()
    assert "/private/documents/lesson.mp4?" in private
    assert "X-Amz-Expires=60" in private and "X-Amz-Signature=" in private
    assert public.endswith("/images/poster.jpg") and "?" not in public


@pytest.mark.parametrize(("variables", "expected"), SITE_URLS)
def test_site_url_comes_from_the_environment_and_is_wagtails_admin_base_url(
    settings_under, variables, expected
):
    values = values_under(settings_under, variables)
    assert {"site_url": values["site_url"], "wagtail": values["wagtail"]} == {
        "site_url": expected,
        "wagtail": expected,
    }


MAKE = shutil.which("make") or "make"


def test_make_passes_the_port_it_serves_on_as_site_url_to_every_command():
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    result = subprocess.run(
        [MAKE, "-s", "--eval", "_site_url: ; @echo $$SITE_URL", "_site_url", "PORT=8107"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8107"
