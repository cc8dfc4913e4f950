"""Domain errors of the store. Each `ShopError` carries a message the customer may read."""


class ShopError(Exception):
    """A refusal the customer may read; views show `str(error)` as a message."""


# Cart ----------------------------------------------------------------------


class CourseNotPurchasable(ShopError):
    def __init__(self, title: str):
        super().__init__(f"“{title}” is not on sale right now.")


class CourseAlreadyOwned(ShopError):
    def __init__(self, title: str):
        super().__init__(f"You already own “{title}”. Find it under My courses.")


class CartEmpty(ShopError):
    def __init__(self):
        super().__init__("Your cart is empty.")


class CartTooLarge(ShopError):
    def __init__(self, *, what: str, limit: int):
        super().__init__(
            f"One order can hold at most {limit} {what}. "
            "Please check out what is in your cart first, then place another order."
        )


# Coupons -------------------------------------------------------------------


class CouponError(ShopError):
    """The coupon cannot be used on this cart; the message says why."""


class CouponNotFound(CouponError):
    def __init__(self, code: str):
        super().__init__(f"“{code}” is not a valid coupon code.")


class CouponInactive(CouponError):
    def __init__(self, code: str):
        super().__init__(f"Coupon {code} is no longer active.")


class CouponNotYetValid(CouponError):
    def __init__(self, code: str, starts: str):
        super().__init__(f"Coupon {code} is not valid until {starts}.")


class CouponExpired(CouponError):
    def __init__(self, code: str):
        super().__init__(f"Coupon {code} has expired.")


class CouponMinimumNotMet(CouponError):
    def __init__(self, code: str, minimum: str):
        super().__init__(f"Coupon {code} needs a minimum order of {minimum}.")


class CouponNotApplicable(CouponError):
    def __init__(self, code: str):
        super().__init__(f"Coupon {code} is not valid for the items in your cart.")


class CouponUsedUp(CouponError):
    def __init__(self, code: str):
        super().__init__(f"Coupon {code} has been used up.")


class CouponAlreadyUsed(CouponError):
    def __init__(self, code: str):
        super().__init__(f"You have already used coupon {code} as many times as it allows.")


# Orders and payments -------------------------------------------------------


class OrderNotPayable(ShopError):
    def __init__(self, number: str):
        super().__init__(f"Order {number} cannot be paid any more. Please check out again.")


class PaymentDeclined(ShopError):
    """The payment was refused; nothing was charged and the cart is as it was."""

    def __init__(self, reason: str = ""):
        super().__init__(
            f"Your payment was declined{f': {reason}' if reason else ''}. "
            "Nothing was charged and your cart is unchanged."
        )


class GatewayError(Exception):
    """The payment provider failed or answered something we cannot use; not the customer's fault."""


# Gift cards ----------------------------------------------------------------


class GiftCardError(ShopError):
    """The gift card cannot be used or claimed; the message says why, never which codes exist."""


class GiftCardNotFound(GiftCardError):
    def __init__(self):
        super().__init__("That is not a valid gift card code. Check it and try again.")


class GiftCardVoid(GiftCardError):
    def __init__(self, code: str):
        super().__init__(f"Gift card {code} has been deactivated.")


class GiftCardExpired(GiftCardError):
    def __init__(self, code: str):
        super().__init__(f"Gift card {code} has expired.")


class GiftCardEmpty(GiftCardError):
    def __init__(self, code: str):
        super().__init__(f"Gift card {code} has no balance left.")


class GiftCardClaimedByOther(GiftCardError):
    def __init__(self, code: str):
        super().__init__(f"Gift card {code} has already been claimed by another account.")


class GiftCardBalanceTooLow(GiftCardError):
    """Another order took the balance first (a concurrent checkout)."""

    def __init__(self, code: str):
        super().__init__(
            f"Gift card {code} no longer has enough balance for this order. "
            "Please review your cart."
        )


class GiftCardDenominationUnavailable(GiftCardError):
    def __init__(self):
        super().__init__("That gift card value is not on sale. Please choose another.")


class GiftCardPending(GiftCardError):
    """A promotion reward whose order's refund window has not passed yet."""

    def __init__(self, code: str, usable_from: str):
        super().__init__(
            f"Gift card {code} is a promotion reward: it can be used from {usable_from}, "
            "once the refund window of the order that earned it has passed."
        )


class GiftCardRewardNotForGiftCards(GiftCardError):
    """Promotional credit never becomes a transferable card."""

    def __init__(self, code: str):
        super().__init__(
            f"Gift card {code} is a promotion reward, which pays for courses only: remove it "
            "to buy gift cards, or buy the gift cards in a separate order."
        )


class GiftCardFrozen(GiftCardError):
    def __init__(self, code: str):
        super().__init__(
            f"Gift card {code} is on hold while a payment dispute about its order is open."
        )


# Refunds -------------------------------------------------------------------


class RefundRefused(ShopError):
    """Nothing (or not that much) may be refunded; the message is for the shop manager."""


# Memberships ---------------------------------------------------------------


class MembershipError(ShopError):
    """A membership cannot be bought or changed now; the message says why."""


class PlanNotAvailable(MembershipError):
    def __init__(self, name: str):
        super().__init__(f"The “{name}” membership is not on sale right now.")


class MembershipAlreadyActive(MembershipError):
    def __init__(self, name: str):
        super().__init__(
            f"You are already a member on the “{name}” plan. "
            "See My account → Membership to change or cancel it."
        )


class MembershipCheckedOutAlone(MembershipError):
    def __init__(self):
        super().__init__(
            "A membership is checked out on its own: please buy the other items in your cart "
            "first (or remove the membership), then subscribe."
        )


class MembershipNotChangeable(MembershipError):
    def __init__(self, reason: str):
        super().__init__(reason)


class MembershipNotBillable(MembershipError):
    def __init__(self):
        super().__init__(
            "Memberships cannot be bought with this site's payment provider yet. "
            "Nothing was charged."
        )


# Payment plans (a course in instalments) ---------------------------------------


class InstalmentsError(ShopError):
    """A course cannot be bought in instalments now, or a plan cannot change; says why."""


class InstalmentsNotOffered(InstalmentsError):
    def __init__(self, title: str):
        super().__init__(f"“{title}” cannot be paid in instalments. Please pay it in full.")


class InstalmentsCheckedOutAlone(InstalmentsError):
    def __init__(self):
        super().__init__(
            "A course paid in instalments is checked out on its own: please buy the other "
            "items in your cart first (or pay the course in full), then start the plan."
        )


class InstalmentsNotBillable(InstalmentsError):
    def __init__(self):
        super().__init__(
            "Payment plans cannot be paid with this site's payment provider yet. "
            "Nothing was charged."
        )


class InstalmentsNotChangeable(InstalmentsError):
    def __init__(self, reason: str):
        super().__init__(reason)


class CouponNotForInstalments(CouponError):
    """Decision (docs/decisions.md): coupons are refused on a payment plan."""

    def __init__(self, code: str):
        super().__init__(
            f"Coupon {code} cannot be used with a payment plan. Pay the course in full to "
            "use it, or remove the coupon."
        )
