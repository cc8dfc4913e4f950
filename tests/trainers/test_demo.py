"""Demo trainers (seed_demo) and load-test trainers (seed_trainers)."""

import io

import pytest
from django.core.management import call_command

from trainers.demo import seed
from trainers.geometry import KM_PER_MILE
from trainers.models import Trainer
from trainers.selectors import trainer_search

pytestmark = pytest.mark.django_db


def test_demo_has_the_directory_page_and_at_least_five_trainers_near_chicago(home_page):
    seed(stdout=io.StringIO())
    near_60601 = trainer_search(near=(41.8858, -87.6181), radius_km=50 * KM_PER_MILE)
    assert near_60601.count >= 5
    assert Trainer.objects.exclude(country="US").exists()
    assert all(t.photo_id for t in Trainer.objects.all())


def test_demo_seeding_twice_changes_nothing(home_page):
    seed(stdout=io.StringIO())
    before = list(Trainer.objects.order_by("pk").values_list("pk", "slug", "latitude"))
    seed(stdout=io.StringIO())
    assert list(Trainer.objects.order_by("pk").values_list("pk", "slug", "latitude")) == before


def test_seed_trainers_replaces_the_synthetic_trainers_with_the_count_asked(db):
    call_command("seed_trainers", count=30, stdout=io.StringIO())
    call_command("seed_trainers", count=20, stdout=io.StringIO())
    assert Trainer.objects.filter(slug__startswith="synthetic-").count() == 20
