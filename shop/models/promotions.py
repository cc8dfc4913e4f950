"""Promotions: while one runs, qualifying paid orders earn the buyer a gift card."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Promotion(models.Model):
    """While active, paid orders with an eligible course earn the buyer a gift card."""

    name = models.CharField(max_length=100)
    banner_text = models.CharField(
        max_length=200,
        help_text="Shown across the site while the promotion runs, "
        "e.g. “Give the Gift of Coachhouse — $100 Gift Card with Select Purchases”.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    eligible_courses = models.ManyToManyField("courses.CoursePage", related_name="+")
    reward_cents = models.PositiveIntegerField("reward gift card value")
    minimum_order_cents = models.PositiveIntegerField("minimum order", default=0)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
        if not self.reward_cents:
            raise ValidationError({"reward_cents": "Give the reward's value."})

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_active and self.starts_at <= now < self.ends_at
