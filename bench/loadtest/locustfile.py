"""The load test's visitors: 70% content pages, 15% trainer search, 10% cart, 5% checkout.

Run by `python -m bench.loadtest` (locust headless). At the start it reads the site's own
sitemap to find the pages, and each course page for the id its add-to-cart form posts.
Checkouts use buyers from a pool the runner created (buyers.py), each buyer once: they log in
through the form while allauth's per-address login limit allows, otherwise they take the
buyer's ready session (LOADTEST_SESSIONS); then they pay on the test gateway's page.
Every request's time and outcome goes to the JSON file LOADTEST_RESULTS when the test stops.
"""

import itertools
import json
import os
import random
import re
import time
from collections import deque
from urllib.parse import urlsplit

import requests
from locust import HttpUser, between, events, task
from locust.exception import RescheduleTaskImmediately

from bench.loadtest.buyers import BUYER_PASSWORD, buyer_email
from bench.loadtest.pages import page_kind

SEARCH_TERMS = ["balance", "vestibular", "posture", "breathing", "walking"]
TRAINER_QUERIES = ["10001", "Austin", "90210", "balance", "online"]
COUPON = "WELCOME10"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COURSE_INPUT = re.compile(r'name="course" value="(\d+)"')
# allauth allows 30 logins a minute from one address; stay clear of it.
FORM_LOGINS_PER_MINUTE = 20
PAYMENT_PAGE = r"/shop/checkout/CH-\w+/test-payment/"
# Which page comes next is no secret.
pick = random.Random()  # noqa: S311

site: dict[str, list[str]] = {}
courses: dict[str, int] = {}  # course page path → the id its add-to-cart form posts
buyers = itertools.count()
sessions: list[str] = []
form_logins: deque[float] = deque()
samples: list[tuple[str, float, bool]] = []
failures: dict[str, int] = {}
clock: dict[str, float] = {}


@events.test_start.add_listener
def discover(environment, **kwargs):
    """Find the pages to visit from the sitemap, and whether the trainer directory is there."""
    host = environment.host
    sitemap = requests.get(f"{host}/sitemap.xml", timeout=10).text
    for url in re.findall(r"<loc>(.*?)</loc>", sitemap):
        path = urlsplit(url).path
        kind = page_kind(path)
        if kind is not None:
            site.setdefault(kind, []).append(path)
    for path in site.get("course", []):
        found = COURSE_INPUT.search(requests.get(f"{host}{path}", timeout=10).text)
        if found:
            courses[path] = int(found.group(1))
    trainers = requests.get(f"{host}/find-a-trainer/", timeout=10).status_code
    site["trainers"] = ["/find-a-trainer/"] if trainers == 200 else []
    if not site["trainers"]:
        print(
            f"Note: /find-a-trainer/ answers {trainers}: the trainer directory is not in this "
            "build, so its 15% share goes to the other scenarios."
        )
    print("Pages found: " + ", ".join(f"{len(v)} {k}" for k, v in sorted(site.items())))
    with open(os.environ["LOADTEST_SESSIONS"]) as file:
        sessions.extend(json.load(file))
    clock["start"] = time.monotonic()


@events.request.add_listener
def record(name, response_time, exception, **kwargs):
    samples.append((name, response_time, exception is not None))
    if exception is not None:
        message = f"{name}: {exception}"
        failures[message] = failures.get(message, 0) + 1


@events.test_stop.add_listener
def save(environment, **kwargs):
    results = {
        "seconds": time.monotonic() - clock.get("start", time.monotonic()),
        "samples": samples,
        "failures": failures,
    }
    with open(os.environ["LOADTEST_RESULTS"], "w") as file:
        json.dump(results, file)


def _form_login_allowed() -> bool:
    """Whether one more login through the form stays within FORM_LOGINS_PER_MINUTE."""
    now = time.monotonic()
    while form_logins and now - form_logins[0] > 60:
        form_logins.popleft()
    if len(form_logins) >= FORM_LOGINS_PER_MINUTE:
        return False
    form_logins.append(now)
    return True


class Visitor(HttpUser):
    wait_time = between(0.5, 2)

    def _get(self, path: str, name: str):
        """GET a page; a non-2xx answer (after redirects) counts as an error."""
        return self.client.get(path, name=name)

    def _post(self, path: str, form_page, data: dict, name: str, lands_on: str):
        """POST the form found on `form_page` with its CSRF token.

        The response, or None (counted as an error) unless it lands on a path matching the
        regex `lands_on` after redirects.
        """
        token = CSRF_INPUT.search(form_page.text)
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": form_page.url},
            name=name,
            catch_response=True,
        ) as response:
            landed = urlsplit(response.url).path
            if not response.ok:
                response.failure(f"answered {response.status_code}")
                return None
            if not re.fullmatch(lands_on, landed):
                response.failure(f"ended on {landed}, not {lands_on}")
                return None
        return response

    @task(70)
    def content(self):
        kind = pick.choice(
            ["home", "episodes index", "episode", "articles index", "article", "category", "search"]
        )
        if kind == "search":
            self._get(f"/search/?q={pick.choice(SEARCH_TERMS)}", name="search")
        else:
            self._get(pick.choice(site[kind]), name=kind)

    @task(15)
    def trainer_search(self):
        if not site["trainers"]:
            raise RescheduleTaskImmediately()
        self._get(f"/find-a-trainer/?q={pick.choice(TRAINER_QUERIES)}", name="trainer search")

    @task(10)
    def cart(self):
        self._add_to_cart()
        self._get("/shop/cart/", name="cart")
        with self.client.get(
            "/shop/cart/summary.json", name="mini-cart JSON", catch_response=True
        ) as response:
            if response.ok and response.json().get("count", 0) < 1:
                response.failure(f"mini-cart is empty after adding: {response.text}")

    @task(5)
    def checkout(self):
        buyer = next(buyers)
        if buyer >= len(sessions):
            if buyer == len(sessions):
                print(f"Note: all {buyer} buyers have checked out; no more checkouts this run.")
            raise RescheduleTaskImmediately()
        self.client.cookies.clear()
        try:
            if _form_login_allowed():
                if self._log_in(buyer_email(buyer)) is None:
                    return
            else:
                self.client.cookies.set("sessionid", sessions[buyer])
            self._buy()
        finally:
            self.client.cookies.clear()

    def _add_to_cart(self):
        path = pick.choice(list(courses))
        page = self._get(path, name="course")
        return self._post(
            "/shop/cart/add/", page, {"course": courses[path]}, "cart: add", "/shop/cart/"
        )

    def _log_in(self, email: str):
        form = self._get("/account/login/", name="checkout: login form")
        credentials = {"login": email, "password": BUYER_PASSWORD}
        return self._post("/account/login/", form, credentials, "checkout: login", "/account/")

    def _buy(self) -> None:
        """Add a course (half the time with the coupon), check out and pay."""
        cart = self._add_to_cart()
        if cart is None:
            return
        if pick.random() < 0.5:
            self._post(
                "/shop/cart/coupon/", cart, {"code": COUPON}, "checkout: coupon", "/shop/cart/"
            )
        review = self._get("/shop/checkout/", name="checkout")
        payment = self._post("/shop/checkout/", review, {}, "checkout: place order", PAYMENT_PAGE)
        if payment is not None:
            path = urlsplit(payment.url).path
            self._post(path, payment, {"action": "pay"}, "checkout: pay", "/account/courses/")
