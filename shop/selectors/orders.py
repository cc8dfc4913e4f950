"""A customer's orders."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from shop.models import Order


def orders_for(*, user: AbstractBaseUser) -> QuerySet[Order]:
    """A customer's orders, newest first, with their lines."""
    return Order.objects.filter(user=user).prefetch_related("lines")
