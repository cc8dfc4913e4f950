"""Wagtail admin for the store, one module per sub-domain: orders to look at (never to edit),
coupons, gift cards, denominations and promotions to manage, and the gift card liability
report. `wagtail_hooks.py` registers what is named here."""

from wagtail.admin.viewsets.base import ViewSetGroup

from shop.viewsets.columns import MoneyColumn
from shop.viewsets.coupons import CouponViewSet
from shop.viewsets.gift_cards import (
    GiftCardCreateView,
    GiftCardDenominationViewSet,
    GiftCardInspectView,
    GiftCardIssueForm,
    GiftCardLiabilityView,
    GiftCardViewSet,
)
from shop.viewsets.instalments import InstalmentPlanViewSet
from shop.viewsets.memberships import MembershipPlanViewSet, MembershipViewSet
from shop.viewsets.orders import OrderViewSet, ViewOnlyPermissionPolicy
from shop.viewsets.promotions import PromotionViewSet

__all__ = [
    "CouponViewSet",
    "GiftCardCreateView",
    "GiftCardDenominationViewSet",
    "GiftCardInspectView",
    "GiftCardIssueForm",
    "GiftCardLiabilityView",
    "GiftCardViewSet",
    "InstalmentPlanViewSet",
    "MembershipPlanViewSet",
    "MembershipViewSet",
    "MoneyColumn",
    "OrderViewSet",
    "PromotionViewSet",
    "ShopViewSetGroup",
    "ViewOnlyPermissionPolicy",
]


class ShopViewSetGroup(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "pick"
    menu_order = 250
    items = (
        OrderViewSet,
        CouponViewSet,
        GiftCardViewSet,
        GiftCardDenominationViewSet,
        PromotionViewSet,
        MembershipPlanViewSet,
        MembershipViewSet,
        InstalmentPlanViewSet,
    )
