"""A certification in Find a Trainer: a current grant shows verified (linked to its record),
an editor-entered one listed; the certification filter counts both; a certified customer
creates their profile from My account, through the editors' review; renewal extends it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import CertificationGrant
from tests.factories import UserFactory
from tests.trainers.factories import CertificationFactory, TrainerFactory
from trainers.models import ProfileChange, Trainer
from trainers.services import profile_change_review

from .conftest import buy, complete

pytestmark = pytest.mark.django_db
SEARCH = "/find-a-trainer/"
CREATE = "/trainers/my-profile/new/"
PROFILE = {
    "name": "Ada L. Coach",
    "city": "Chicago",
    "region": "IL",
    "postal_code": "60614",
    "country": "us",
    "bio": "Brain-based coaching in Lincoln Park.",
    "website": "",
    "phone": "",
    "specialties": "Balance, Mobility",
    "offers_online": "on",
}


def _card(html: str, name: str) -> str:
    cards = [card for card in html.split('<article class="card trainer-card')[1:] if name in card]
    assert len(cards) == 1, f"{name} is not listed once"
    return cards[0]


def _expire(grant: CertificationGrant) -> None:
    CertificationGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.fixture
def grant(certified, learner):
    return CertificationGrant.objects.get(user=learner)


@pytest.fixture
def ada_trainer(grant, learner, directory):
    i_phase = CertificationFactory(name="I-Phase", slug="i-phase")
    return TrainerFactory(name="Ada Coach", user=learner, certifications=[i_phase])


def test_a_listing_shows_a_current_grant_verified_and_an_editors_entry_listed(
    client, grant, ada_trainer
):
    card = _card(client.get(SEARCH, {"q": "60601"}).content.decode(), "Ada Coach")
    assert f'tag--verified" href="{grant.get_absolute_url()}"' in card
    assert "R-Phase Certified" in card
    assert 'tag--listed">I-Phase' in card
    assert card.index("R-Phase Certified") < card.index("I-Phase")


def test_the_profile_page_shows_the_same_badges(client, grant, ada_trainer):
    html = client.get(ada_trainer.get_absolute_url()).content.decode()
    assert f'tag--verified" href="{grant.get_absolute_url()}"' in html
    assert 'tag--listed">I-Phase' in html


def test_an_expired_grant_shows_no_badge_even_before_the_sweep(client, grant, ada_trainer):
    _expire(grant)
    card = _card(client.get(SEARCH, {"q": "60601"}).content.decode(), "Ada Coach")
    assert "tag--verified" not in card and "R-Phase Certified" not in card
    assert 'tag--listed">I-Phase' in card


def test_an_editor_listed_certification_the_account_also_holds_shows_once_verified(
    client, grant, ada_trainer
):
    ada_trainer.certifications.add(grant.certification)
    card = _card(client.get(SEARCH, {"q": "60601"}).content.decode(), "Ada Coach")
    assert card.count("R-Phase Certified") == 1 and "tag--verified" in card


def test_the_json_search_names_the_verified_certifications(client, grant, ada_trainer):
    hits = client.get("/trainers/api/search", {"q": "60601"}).json()["results"]
    (hit,) = [hit for hit in hits if hit["name"] == "Ada Coach"]
    assert hit["verified_certifications"] == ["R-Phase Certified"]
    assert sorted(hit["certifications"]) == ["I-Phase", "R-Phase Certified"]


def test_the_certification_filter_finds_a_trainer_verified_only_by_a_grant(
    client, grant, ada_trainer
):
    listed = CertificationFactory(slug="r-phase")  # the same certification, listed by hand
    TrainerFactory(name="Listed Coach", certifications=[listed])
    TrainerFactory(name="Other Coach")
    html = client.get(SEARCH, {"q": "60601", "certification": "r-phase"}).content.decode()
    assert "Ada Coach" in html and "Listed Coach" in html
    assert "Other Coach" not in html
    assert '<option value="r-phase"' in html


def test_the_certification_filter_drops_a_trainer_whose_grant_expired(client, grant, learner):
    TrainerFactory(name="Ada Coach", user=learner)
    _expire(grant)
    html = client.get(SEARCH, {"q": "60601", "certification": "r-phase"}).content.decode()
    assert "Ada Coach" not in html


def test_my_account_offers_a_certified_customer_to_create_a_trainer_profile(client, grant, learner):
    client.force_login(learner)
    html = client.get("/account/").content.decode()
    assert "Create your trainer profile" in html and CREATE in html


def test_my_account_offers_no_trainer_profile_to_a_customer_without_a_certification(client):
    client.force_login(UserFactory())
    assert "Create your trainer profile" not in client.get("/account/").content.decode()


def test_the_create_form_is_pre_filled_with_the_certified_name(client, grant, learner):
    client.force_login(learner)
    response = client.get(CREATE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Ada Lovelace"' in html
    assert grant.get_absolute_url() in html


def test_a_created_profile_waits_for_review_then_approval_publishes_it_verified(
    client, grant, learner, directory, admin_user
):
    client.force_login(learner)
    response = client.post(CREATE, PROFILE)
    assert response.status_code == 302 and response.url == "/trainers/my-profile/"
    trainer = Trainer.objects.get(user=learner)
    assert not trainer.is_published and trainer.email == learner.email
    assert trainer.country == "US" and trainer.latitude is not None
    change = ProfileChange.objects.get(trainer=trainer)
    assert change.status == ProfileChange.Status.PENDING and change.publishes
    assert "Ada L. Coach" not in client.get(SEARCH, {"q": "60614"}).content.decode()

    profile_change_review(change=change, approve=True, reviewer=admin_user)
    trainer.refresh_from_db()
    assert trainer.is_published and trainer.bio == PROFILE["bio"]
    card = _card(client.get(SEARCH, {"q": "60614"}).content.decode(), "Ada L. Coach")
    assert f'tag--verified" href="{grant.get_absolute_url()}"' in card


def test_a_customer_without_a_certification_is_refused_and_nothing_is_made(client, directory):
    client.force_login(UserFactory())
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, PROFILE)
    assert response.status_code == 403
    assert "for certified trainers" in response.content.decode()
    assert not Trainer.objects.exists() and not ProfileChange.objects.exists()


def test_a_customer_whose_certification_expired_is_refused(client, grant, learner):
    _expire(grant)
    client.force_login(learner)
    assert client.post(CREATE, PROFILE).status_code == 403
    assert not Trainer.objects.exists()


def test_a_customer_who_has_a_profile_is_sent_to_it_and_no_second_is_made(
    client, grant, learner, ada_trainer
):
    client.force_login(learner)
    assert "Create your trainer profile" not in client.get("/account/").content.decode()
    response = client.post(CREATE, PROFILE, follow=True)
    assert response.redirect_chain[0][0] == "/trainers/my-profile/"
    assert Trainer.objects.filter(user=learner).count() == 1
    assert not ProfileChange.objects.exists()


def test_completing_the_renewal_course_extends_the_certification_by_its_validity(
    grant, learner, renewal_course
):
    expires = grant.expires_at
    buy(learner, renewal_course)
    complete(learner, renewal_course)
    grant.refresh_from_db()
    assert grant.expires_at == expires + timedelta(days=730)
    assert grant.renewed_at is not None and grant.renewals.count() == 1


def test_a_renewal_course_completed_without_the_certification_grants_nothing(
    learner, renewal_course, certification
):
    buy(learner, renewal_course)
    complete(learner, renewal_course)
    assert not CertificationGrant.objects.exists()
