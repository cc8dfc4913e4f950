"""A trainer proposes changes from their account; an editor approves them before they show."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import UserFactory
from trainers.exceptions import AlreadyReviewed, ChangeSuperseded
from trainers.models import ProfileChange
from trainers.services import profile_change_review, profile_change_submit

from .factories import TrainerFactory

pytestmark = pytest.mark.django_db
URL = "/trainers/my-profile/"
PROPOSAL = {
    "bio": "New bio.",
    "website": "https://new.example",
    "phone": "555",
    "specialties": "Golf, Running",
}


@pytest.fixture
def trainer(directory, user):
    return TrainerFactory(name="Own Coach", slug="own-coach", bio="Old bio.", user=user)


@pytest.fixture
def editor(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_trainer_proposal_waits_for_review_and_the_public_profile_is_unchanged(
    client, trainer, user
):
    client.force_login(user)
    response = client.post(URL, PROPOSAL)
    assert response.status_code == 302
    change = ProfileChange.objects.get()
    assert change.status == ProfileChange.Status.PENDING and change.bio == "New bio."
    trainer.refresh_from_db()
    assert trainer.bio == "Old bio."
    assert "Old bio." in client.get("/find-a-trainer/own-coach/").content.decode()


def test_each_submission_is_its_own_revision_and_supersedes_the_pending_one(client, trainer, user):
    client.force_login(user)
    client.post(URL, PROPOSAL)
    client.post(URL, {**PROPOSAL, "bio": "Newer bio."})
    revisions = list(ProfileChange.objects.order_by("pk").values_list("bio", "status"))
    assert revisions == [
        ("New bio.", ProfileChange.Status.SUPERSEDED),
        ("Newer bio.", ProfileChange.Status.PENDING),
    ]
    assert "Newer bio." in client.get(URL).content.decode()


def test_form_starts_from_the_current_profile(client, trainer, user):
    client.force_login(user)
    assert "Old bio." in client.get(URL).content.decode()


def test_account_without_a_trainer_profile_gets_404(client, directory):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, directory):
    assert client.get(URL).status_code == 302


def test_only_the_linked_account_may_propose(trainer):
    with pytest.raises(PermissionDenied):
        profile_change_submit(trainer=trainer, user=UserFactory(), **PROPOSAL, offers_online=False)
    assert ProfileChange.objects.count() == 0


def test_approval_applies_the_changes_to_the_public_profile(trainer, user, editor):
    change = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=True)
    profile_change_review(change=change, approve=True, reviewer=editor)
    trainer.refresh_from_db()
    assert (trainer.bio, trainer.website, trainer.offers_online) == (
        "New bio.",
        "https://new.example",
        True,
    )
    assert sorted(trainer.specialties.names()) == ["Golf", "Running"]


def test_rejection_leaves_the_profile_as_it_was(trainer, user, editor):
    change = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=True)
    profile_change_review(change=change, approve=False, reviewer=editor)
    trainer.refresh_from_db()
    assert trainer.bio == "Old bio."
    assert ProfileChange.objects.get().status == ProfileChange.Status.REJECTED


def test_a_proposal_is_reviewed_only_once(trainer, user, editor):
    change = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=True)
    profile_change_review(change=change, approve=False, reviewer=editor)
    with pytest.raises(AlreadyReviewed):
        profile_change_review(change=change, approve=True, reviewer=editor)
    trainer.refresh_from_db()
    assert trainer.bio == "Old bio."


def test_editor_approves_in_the_admin(client, trainer, user, editor):
    change = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=False)
    client.force_login(editor)
    edit_url = f"/admin/profile_change/edit/{change.pk}/"
    assert "New bio." in client.get(edit_url).content.decode()
    response = client.post(edit_url, {"status": "approved", "revision": change.pk})
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.bio == "New bio."


def test_the_review_form_carries_the_revision_the_editor_sees(client, trainer, user, editor):
    change = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=False)
    client.force_login(editor)
    page = client.get(f"/admin/profile_change/edit/{change.pk}/").content.decode()
    assert f'name="revision" value="{change.pk}"' in page
    assert "New bio." in page


def test_approving_a_revision_the_trainer_replaced_while_it_was_open_is_refused(
    client, trainer, user, editor
):
    seen = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=False)
    client.force_login(editor)
    edit_url = f"/admin/profile_change/edit/{seen.pk}/"
    assert "New bio." in client.get(edit_url).content.decode()
    latest = profile_change_submit(
        trainer=trainer, user=user, **{**PROPOSAL, "bio": "Unseen bio."}, offers_online=True
    )
    response = client.post(edit_url, {"status": "approved", "revision": seen.pk})
    assert response.status_code == 200
    assert "This change was replaced — review the latest." in response.content.decode()
    trainer.refresh_from_db()
    assert (trainer.bio, trainer.offers_online) == ("Old bio.", False)
    latest.refresh_from_db()
    seen.refresh_from_db()
    assert latest.status == ProfileChange.Status.PENDING and latest.reviewed_by is None
    assert seen.status == ProfileChange.Status.SUPERSEDED and seen.reviewed_by is None


def test_a_review_posted_with_another_revisions_id_is_refused(client, trainer, user, editor):
    older = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=False)
    latest = profile_change_submit(
        trainer=trainer, user=user, **{**PROPOSAL, "bio": "Latest bio."}, offers_online=False
    )
    client.force_login(editor)
    response = client.post(
        f"/admin/profile_change/edit/{latest.pk}/", {"status": "approved", "revision": older.pk}
    )
    assert "This change was replaced — review the latest." in response.content.decode()
    trainer.refresh_from_db()
    assert trainer.bio == "Old bio."
    assert ProfileChange.objects.get(pk=latest.pk).status == ProfileChange.Status.PENDING


def test_the_latest_revision_is_the_one_that_can_be_approved(trainer, user, editor):
    older = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=False)
    latest = profile_change_submit(
        trainer=trainer, user=user, **{**PROPOSAL, "bio": "Latest bio."}, offers_online=False
    )
    with pytest.raises(ChangeSuperseded):
        profile_change_review(change=older, approve=True, reviewer=editor)
    trainer.refresh_from_db()
    assert trainer.bio == "Old bio."
    profile_change_review(change=latest, approve=True, reviewer=editor)
    trainer.refresh_from_db()
    assert trainer.bio == "Latest bio."


def test_editor_must_choose_a_decision_in_the_admin(client, trainer, user, editor):
    change = profile_change_submit(trainer=trainer, user=user, **PROPOSAL, offers_online=False)
    client.force_login(editor)
    response = client.post(
        f"/admin/profile_change/edit/{change.pk}/", {"status": "pending", "revision": change.pk}
    )
    assert (
        response.status_code == 200 and "Choose Approved or Rejected." in response.content.decode()
    )
    trainer.refresh_from_db()
    assert trainer.bio == "Old bio."


def test_my_account_links_a_trainer_to_their_profile_editor(client, trainer, user):
    client.force_login(user)
    assert URL in client.get("/account/").content.decode()


def test_my_account_has_no_trainer_link_for_other_people(client, directory):
    client.force_login(UserFactory())
    assert URL not in client.get("/account/").content.decode()
