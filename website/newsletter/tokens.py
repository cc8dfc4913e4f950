"""Signed, expiring links that stand in for a login in every newsletter e-mail.

A token names the subscriber and carries a keyed fingerprint of the address it was
issued for (not the address: links end up in logs), so a link stops working if the row
is gone or reused; the salt keeps a token for one purpose from being replayed for another.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from website.newsletter.exceptions import LinkExpired, LinkInvalid
from website.newsletter.models import Subscriber


@dataclass(frozen=True)
class SignedLink:
    salt: str
    max_age: timedelta

    def _fingerprint(self, email: str) -> str:
        return salted_hmac(self.salt, email).hexdigest()[:20]

    def token_for(self, subscriber: Subscriber) -> str:
        payload = {"id": subscriber.pk, "e": self._fingerprint(subscriber.email)}
        return signing.dumps(payload, salt=self.salt)

    def subscriber_for(self, token: str) -> Subscriber:
        """The subscriber a token was issued for; LinkExpired or LinkInvalid otherwise."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired as exc:
            raise LinkExpired from exc
        except signing.BadSignature as exc:
            raise LinkInvalid from exc
        if not isinstance(data, dict):
            raise LinkInvalid
        subscriber_id, fingerprint = data.get("id"), data.get("e")
        if not isinstance(subscriber_id, int) or not isinstance(fingerprint, str):
            raise LinkInvalid
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is None or not constant_time_compare(
            fingerprint, self._fingerprint(subscriber.email)
        ):
            raise LinkInvalid
        return subscriber


CONFIRM = SignedLink(salt="newsletter.confirm", max_age=timedelta(days=3))
UNSUBSCRIBE = SignedLink(salt="newsletter.unsubscribe", max_age=timedelta(days=365))
READING_LIST = SignedLink(salt="newsletter.reading-list", max_age=timedelta(days=30))
