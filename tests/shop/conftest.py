import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from shop.models import Order, OrderLine

# The course fixtures are shared: the store sells what tests/courses builds.
from tests.courses.conftest import course, course_index, enrolled_user, free_lesson, paid_lesson  # noqa: F401
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory
from tests.shop.billing_peer import billing_peer  # noqa: F401 - the in-memory Stripe Billing
from tests.shop.factories import MembershipPlanFactory, issue_card
from tests.shop.stripe_events import sign


@pytest.fixture
def second_course(course_index):  # noqa: F811 - the imported fixture, by name
    return CoursePageFactory(parent=course_index, title="Pain-Free Posture", price_cents=9900)


# Webhooks signed as Stripe signs them -----------------------------------------

WEBHOOK_URL = "/shop/stripe/webhook/"
WEBHOOK_SECRET = "whsec_test_coachhouse"


@pytest.fixture
def order(stripe_settings, user, course):  # noqa: F811 - the imported fixture, by name
    """A pending Stripe order for the course, as checkout leaves it."""
    order = Order.objects.create(
        user=user,
        email=user.email,
        subtotal_cents=14900,
        total_cents=14900,
        currency="USD",
        gateway="stripe",
        gateway_reference="pi_test_1",
    )
    OrderLine.objects.create(order=order, course=course, title=course.title, unit_price_cents=14900)
    return order


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post a payload to the webhook, signed with our secret unless told otherwise."""

    def post(payload: bytes, *, secret=WEBHOOK_SECRET, timestamp=None, signature=None):
        header = signature if signature is not None else sign(payload, secret, timestamp)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                WEBHOOK_URL,
                payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )

    return post


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_coachhouse"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_coachhouse"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_coachhouse"
    return settings


# localstripe: a real HTTP fake of Stripe in a subprocess --------------------

LOCALSTRIPE_WEBHOOK_SECRET = "whsec_localstripe"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def localstripe_request(base: str, method: str, path: str, data: dict | None = None) -> dict:
    """A form-encoded call to localstripe, as Stripe.js or the dashboard would make it."""
    body = urllib.parse.urlencode(data or {}).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - a local http:// URL the fixture chose
        base + path,
        data=body,
        method=method,
        headers={"Authorization": "Bearer sk_test_localstripe"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
    return json.loads(raw) if raw.strip().startswith(b"{") else {}


def wait_for(condition, message, timeout: float = 120) -> None:
    """Poll until `condition()` is true: for what localstripe's webhooks do on the live server.
    `message` (a string, or a callable for one) says what never happened; the timeout only
    bounds a webhook that never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(0.05)


def start_localstripe(tmp_path_factory, module: str):
    """localstripe (launched by `module`) on a free port of 127.0.0.1, until the generator
    closes; skipped, saying why, if it does not start."""
    if importlib.util.find_spec("localstripe") is None:
        pytest.skip("localstripe is not installed (it is in the dev extra: make install)")
    port = _free_port()
    state = tmp_path_factory.mktemp("localstripe") / "state.pickle"
    process = subprocess.Popen(
        [sys.executable, "-m", module, str(port), str(state)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a bound for a loaded machine, not a wait
    while True:
        try:
            localstripe_request(base, "DELETE", "/_config/data")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.skip(f"localstripe did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
    yield base
    process.terminate()
    process.wait(timeout=5)


@pytest.fixture(scope="session")
def localstripe_base(tmp_path_factory):
    """localstripe as released, for the session."""
    yield from start_localstripe(tmp_path_factory, "tests.shop.localstripe_server")


def aim_at_localstripe(base: str, live_server, settings) -> str:
    """Empty localstripe, have it post its webhooks to our live server, and point the Stripe
    settings at it."""
    localstripe_request(base, "DELETE", "/_config/data")
    localstripe_request(
        base,
        "POST",
        "/_config/webhooks/coachhouse",
        {"url": live_server.url + "/shop/stripe/webhook/", "secret": LOCALSTRIPE_WEBHOOK_SECRET},
    )
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = LOCALSTRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = base
    return base


@pytest.fixture
def localstripe(localstripe_base, live_server, settings):
    """Stripe settings aimed at an emptied localstripe that posts webhooks to our live server;
    the webhooks it is still posting are answered before the database is flushed."""
    yield aim_at_localstripe(localstripe_base, live_server, settings)
    live_server.requests_in_flight.wait_until_idle()


# Membership plans ----------------------------------------------------------


@pytest.fixture
def monthly(course):  # noqa: F811 - the imported fixture, by name
    """A monthly membership plan ($29) granting the course."""
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


@pytest.fixture
def yearly(course):  # noqa: F811 - the imported fixture, by name
    """A yearly membership plan ($290) granting the course."""
    return MembershipPlanFactory(
        name="Yearly", interval="year", price_cents=29000, courses=[course]
    )


# Gift cards ----------------------------------------------------------------


@pytest.fixture
def gift_card(db):
    """An unclaimed $100 card."""
    return issue_card(10000)


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def editor(django_user_model):
    """A member of the Editors group (the demo's editor permissions)."""
    editor = django_user_model.objects.create_user(
        email="editor@example.com", password="x-pass-123"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


@pytest.fixture
def shop_manager(django_user_model):
    """A member of the Shop managers group (the demo's shop@ login)."""
    manager = django_user_model.objects.create_user(email="shop@example.com", password="x-pass-123")
    manager.groups.add(Group.objects.get(name="Shop managers"))
    return manager
