"""Order numbers in URLs: only the order-number alphabet reaches a view (both databases)."""

import pytest

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["CH-%00", "CH-AB%00CD", "%00", "CH-abcdefgh", "CH-0O1I0O1I", "CH-%27%3B--", "CH-"]
ORDER_PATHS = [
    "/account/orders/{}/",
    "/shop/checkout/{}/test-payment/",
    "/shop/checkout/{}/pay/",
    "/shop/checkout/{}/return/",
]


@pytest.mark.parametrize("template", ORDER_PATHS)
@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_an_order_number_outside_the_alphabet_is_a_404_not_a_500(client, user, template, number):
    client.force_login(user)
    client.raise_request_exception = False
    assert client.get(template.format(number)).status_code == 404


def test_a_real_order_number_still_reaches_its_order(client, order):
    client.force_login(order.user)
    response = client.get(f"/account/orders/{order.number}/")
    assert response.status_code == 200
    assert order.number in response.content.decode()
