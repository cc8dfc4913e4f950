"""allauth, fitted to the site: one client-address function for every rate limit."""

from allauth.account.adapter import DefaultAccountAdapter

from website.ratelimits import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address allauth's limits count against: the site's own `client_ip`."""
        return client_ip(request) or super().get_client_ip(request)
