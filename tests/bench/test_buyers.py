"""The load test's buyer pool: accounts that can log in, each with a ready session."""

import pytest
from django.urls import reverse

from bench.loadtest.buyers import BUYER_PASSWORD, buyer_email, create_buyers
from website.accounts.models import User

pytestmark = pytest.mark.django_db


def test_each_buyers_session_is_logged_in_as_that_buyer(client):
    keys = create_buyers(2)
    client.cookies["sessionid"] = keys[1]
    response = client.get(reverse("accounts:overview"))
    assert response.status_code == 200
    assert response.wsgi_request.user.email == buyer_email(1)


def test_buyers_log_in_with_the_pool_password(client):
    create_buyers(1)
    assert client.login(email=buyer_email(0), password=BUYER_PASSWORD)
    assert User.objects.get(email=buyer_email(0)).emailaddress_set.get().verified
