"""`make faults`: outage drills against a throwaway copy of the site on 127.0.0.1.

1. PostgreSQL stops mid-run and starts again: while it is down, pages that need it answer
   503 within a few seconds (never 500, never a hang); afterwards they answer 200 again by
   themselves, without restarting gunicorn.
2. A Stripe webhook delivered while PostgreSQL is down answers 5xx, so Stripe retries it;
   the retry after the outage is processed (200, "handled") and the order is paid.
3. Redis unreachable (REDIS_URL aimed at a port where nothing listens): pages still answer
   200 and /healthz answers 503 naming the cache.

Prints one line per expectation and exits 1 if any fails. PostgreSQL is started again
however the run ends, gunicorn stopped and the throwaway database dropped.
"""

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from bench.loadtest import server
from tests.shop.stripe_events import event, payment_intent, sign

# Every answer, even during an outage, must come within this many seconds.
FAST_SECONDS = 5.0
OUTAGE_SECONDS = 4.0
RECOVERY_SECONDS = 20.0
# Pages that cannot answer without the database. (The shared page cache is keyed by a
# number read from the database, so it answers 503 too; an anonymous visitor's empty cart,
# by contrast, renders without touching the database and keeps answering 200.)
DATABASE_PAGES = ["/search/?q=balance", "/courses/the-balance-gym/", "/healthz"]
CACHE_PAGES = [
    "/",
    "/episodes/backward-walking-for-back-pain/",
    "/courses/the-balance-gym/",
    "/shop/cart/",
    "/shop/cart/summary.json",
]
STRIPE = {
    "STRIPE_SECRET_KEY": "sk_test_faults",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_faults",
    "STRIPE_WEBHOOK_SECRET": "whsec_test_faults",
}


@dataclass(frozen=True)
class Check:
    expectation: str
    passed: bool
    observed: str


# PostgreSQL -------------------------------------------------------------------


def _cluster(action: str) -> int:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    return subprocess.run(command, check=False, capture_output=True).returncode  # noqa: S603


@contextlib.contextmanager
def postgres_down() -> Iterator[None]:
    """Stop PostgreSQL for the block; start it again (and wait for it) however the block ends."""
    from django.db import connections

    connections.close_all()
    if _cluster("stop") != 0:
        raise RuntimeError("could not stop PostgreSQL with pg_ctlcluster")
    print("  PostgreSQL stopped")
    try:
        yield
    finally:
        ensure_postgres_running()
        print("  PostgreSQL started")


def ensure_postgres_running() -> None:
    # pg_ctlcluster status exits 3 when the cluster is down.
    if _cluster("status") != 0:
        _cluster("start")
    server.wait_for_postgres()


# Requests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    at: float
    path: str
    status: int
    seconds: float


class Prober(threading.Thread):
    """GETs the paths in turn, about five a second, until stopped; keeps every answer."""

    def __init__(self, base: str, paths: list[str]):
        super().__init__(daemon=True)
        self.base, self.paths = base, paths
        self.answers: list[Answer] = []
        self.stopping = threading.Event()

    def run(self):
        turn = 0
        while not self.stopping.is_set():
            path = self.paths[turn % len(self.paths)]
            status, seconds, _, _ = server.get(self.base + path, timeout=FAST_SECONDS * 3)
            self.answers.append(Answer(time.monotonic(), path, status, seconds))
            turn += 1
            self.stopping.wait(0.2)


def post_webhook(base: str, payload: bytes) -> tuple[int, str]:
    """Deliver a Stripe event signed as Stripe signs it; the status and the body."""
    request = urllib.request.Request(  # noqa: S310 - loopback http
        f"{base}/shop/stripe/webhook/",
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign(payload, STRIPE["STRIPE_WEBHOOK_SECRET"]),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=FAST_SECONDS * 3) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")[:80]
    except OSError as exc:
        return 0, str(exc)


def wait_for_status(url: str, status: int, seconds: float) -> float | None:
    """Seconds until `url` answers `status`, or None if it does not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if server.get(url)[0] == status:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


# Drills -----------------------------------------------------------------------


def drill_postgres_restart(base: str) -> list[Check]:
    """Requests keep coming while PostgreSQL stops for OUTAGE_SECONDS and starts again."""
    print("Drill 1: PostgreSQL stops and starts while requests keep coming")
    prober = Prober(base, DATABASE_PAGES)
    prober.start()
    time.sleep(2)
    with postgres_down():
        down_from = time.monotonic()
        time.sleep(OUTAGE_SECONDS / 2)
        search_status, _, _, search_headers = server.get(f"{base}/search/?q=balance")
        time.sleep(OUTAGE_SECONDS / 2)
        down_until = time.monotonic()
    recovered = {
        path: wait_for_status(base + path, 200, RECOVERY_SECONDS) for path in DATABASE_PAGES
    }
    time.sleep(2)
    prober.stopping.set()
    prober.join()
    answers = prober.answers
    during = [a for a in answers if down_from <= a.at - a.seconds and a.at <= down_until]
    statuses = sorted({a.status for a in answers})
    slowest = max(a.seconds for a in answers)
    tail = answers[-len(DATABASE_PAGES) :]
    return [
        Check(
            "every answer is 200 or 503 (no 500, no dropped connection)",
            set(statuses) <= {200, 503},
            f"statuses seen: {statuses} in {len(answers)} requests",
        ),
        Check(
            "requests made during the outage answer 503",
            bool(during) and all(a.status == 503 for a in during),
            f"{sum(a.status == 503 for a in during)} of {len(during)} answered 503; others: "
            + (
                ", ".join(sorted({f"{a.path} {a.status}" for a in during if a.status != 503}))
                or "none"
            ),
        ),
        Check(
            "a 503 during the outage tells clients when to retry (Retry-After)",
            search_status == 503 and "Retry-After" in search_headers,
            f"{search_status}, Retry-After: {search_headers.get('Retry-After', 'missing')}",
        ),
        Check(
            f"every answer comes within {FAST_SECONDS:.0f} s",
            slowest <= FAST_SECONDS,
            f"slowest {slowest:.2f} s",
        ),
        Check(
            f"each page answers 200 again within {RECOVERY_SECONDS:.0f} s of the restart",
            all(seconds is not None for seconds in recovered.values()),
            ", ".join(
                f"{path} {'never' if s is None else f'{s:.1f} s'}" for path, s in recovered.items()
            ),
        ),
        Check(
            "the last requests answer 200 (same gunicorn, no restart)",
            all(a.status == 200 for a in tail),
            f"last statuses: {[a.status for a in tail]}",
        ),
    ]


def pending_stripe_order() -> tuple[str, bytes]:
    """A pending order of the demo customer paid through Stripe; its payment_intent.succeeded."""
    from courses.models import CoursePage
    from shop.models import Cart, CartLine, Order
    from shop.services import order_place
    from website.accounts.models import User

    customer = User.objects.get(email="customer@coachhouse.test")
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, course=CoursePage.objects.get(slug="eyes-and-movement"))
    order = order_place(cart=cart, user=customer)
    Order.objects.filter(pk=order.pk).update(gateway="stripe", gateway_reference="pi_faults_1")
    order.refresh_from_db()
    return order.number, event("payment_intent.succeeded", payment_intent(order))


def drill_webhook_while_down(base: str) -> list[Check]:
    """Stripe delivers a payment while PostgreSQL is down, then retries after it is back."""
    from shop.models import Order

    print("Drill 2: a Stripe webhook arrives while PostgreSQL is down")
    number, payload = pending_stripe_order()
    with postgres_down():
        started = time.monotonic()
        during_status, _ = post_webhook(base, payload)
        during_seconds = time.monotonic() - started
    wait_for_status(f"{base}/healthz", 200, RECOVERY_SECONDS)
    retry_status, retry_body = post_webhook(base, payload)
    status = Order.objects.get(number=number).status
    return [
        Check(
            f"the webhook answers 5xx within {FAST_SECONDS:.0f} s while the database is down",
            500 <= during_status < 600 and during_seconds <= FAST_SECONDS,
            f"{during_status} in {during_seconds:.2f} s",
        ),
        Check(
            "Stripe's retry after the outage is processed",
            retry_status == 200 and retry_body == "handled",
            f"{retry_status} {retry_body!r}",
        ),
        Check("the order is paid once the retry is processed", status == "paid", status),
    ]


def drill_redis_down(database_url: str) -> list[Check]:
    """A site whose Redis does not answer still serves its pages, and says so on /healthz."""
    print("Drill 3: Redis unreachable")
    nowhere = f"redis://127.0.0.1:{server.free_port()}/0"
    env = server.site_environment(database_url, nowhere, **STRIPE)
    with server.gunicorn(env, "faults-redis-down") as base:
        pages = {path: server.get(base + path) for path in CACHE_PAGES}
        health_status, _, health_body, _ = server.get(f"{base}/healthz")
    health = json.loads(health_body or b"{}")
    slowest = max(answer[1] for answer in pages.values())
    return [
        Check(
            "pages answer 200 without Redis",
            all(answer[0] == 200 for answer in pages.values()),
            ", ".join(f"{path} {answer[0]}" for path, answer in pages.items()),
        ),
        Check(
            f"each page answers within {FAST_SECONDS:.0f} s without Redis",
            slowest <= FAST_SECONDS,
            f"slowest {slowest:.2f} s",
        ),
        Check(
            "/healthz answers 503 with the cache down and the database ok",
            health_status == 503
            and health.get("cache") == "down"
            and health.get("database") == "ok",
            f"{health_status} {health}",
        ),
    ]


def main() -> int:
    server.stop_on_sigterm()
    sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the servers'
    server.flush_redis()
    checks: list[Check] = []
    try:
        with server.throwaway_database("coachhouse_faults") as database_url:
            env = server.site_environment(database_url, server.REDIS_URL, **STRIPE)
            server.prepare_site(env)
            # Settings are read from the environment when Django starts in this process.
            os.environ.update(env)
            import django

            django.setup()
            from django.db import connections

            with server.gunicorn(env, "faults") as base:
                checks += drill_postgres_restart(base)
                checks += drill_webhook_while_down(base)
            checks += drill_redis_down(database_url)
            connections.close_all()
    finally:
        ensure_postgres_running()
        server.flush_redis()
    print("\nFault drills")
    for check in checks:
        print(f"  {'PASS' if check.passed else 'FAIL'}  {check.expectation}: {check.observed}")
    passed = all(check.passed for check in checks)
    print(f"\n{'PASS' if passed else 'FAIL'}: {sum(c.passed for c in checks)}/{len(checks)} passed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
