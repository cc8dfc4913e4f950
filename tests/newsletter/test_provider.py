from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from tests.newsletter.factories import SubscriberFactory
from website.newsletter import tokens
from website.newsletter.models import Subscriber
from website.newsletter.tasks import MAX_PROVIDER_ATTEMPTS, sync_subscriber_to_provider

FAILING = "tests.newsletter.providers.FailingProvider"


def queued_syncs() -> list:
    # Wagtail queues its own reference-index work on every save; only ours matter here.
    return [
        r for r in default_task_backend.results if r.task.func is sync_subscriber_to_provider.func
    ]


def confirm(client, subscriber):
    return client.post(f"/newsletter/confirm/{tokens.CONFIRM.token_for(subscriber)}/")


def test_default_provider_keeps_subscribers_locally_and_marks_them_in_step(client, db):
    subscriber = SubscriberFactory()
    confirm(client, subscriber)
    subscriber.refresh_from_db()
    assert subscriber.provider_status == Subscriber.Status.CONFIRMED
    assert not subscriber.needs_provider_sync


def test_confirmation_tells_the_provider(client, db, recording_provider):
    subscriber = SubscriberFactory(email="ann@example.com")
    confirm(client, subscriber)
    assert recording_provider == [("subscribe", "ann@example.com")]


def test_pending_subscribers_never_reach_the_provider(sign_up, recording_provider):
    sign_up()
    assert recording_provider == []


def test_unsubscribing_a_confirmed_subscriber_tells_the_provider(client, db, recording_provider):
    subscriber = SubscriberFactory(email="ann@example.com")
    confirm(client, subscriber)
    client.post(f"/newsletter/unsubscribe/{tokens.UNSUBSCRIBE.token_for(subscriber)}/one-click/")
    assert recording_provider == [
        ("subscribe", "ann@example.com"),
        ("unsubscribe", "ann@example.com"),
    ]


def test_provider_failure_keeps_the_subscriber_confirmed_and_records_the_error(
    client, db, settings
):
    settings.NEWSLETTER_PROVIDER = FAILING
    subscriber = SubscriberFactory()
    assert confirm(client, subscriber).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.provider_status == ""
    assert (subscriber.provider_attempts, subscriber.provider_error) == (1, "503 from the provider")


def test_failed_sync_is_retried_later_when_the_task_backend_can_defer(db, settings):
    settings.NEWSLETTER_PROVIDER = FAILING
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    subscriber = SubscriberFactory(status=Subscriber.Status.CONFIRMED)
    before = timezone.now()
    assert sync_subscriber_to_provider.call(subscriber.pk) is False
    [retry] = queued_syncs()
    assert retry.args == [subscriber.pk]
    assert retry.task.run_after >= before + timedelta(minutes=2)


def test_sync_gives_up_retrying_after_the_last_attempt(db, settings):
    settings.NEWSLETTER_PROVIDER = FAILING
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    subscriber = SubscriberFactory(
        status=Subscriber.Status.CONFIRMED, provider_attempts=MAX_PROVIDER_ATTEMPTS - 1
    )
    sync_subscriber_to_provider.call(subscriber.pk)
    assert queued_syncs() == []


def test_sync_command_catches_up_subscribers_after_the_provider_recovers(
    client, db, settings, recording_provider
):
    settings.NEWSLETTER_PROVIDER = FAILING
    subscriber = SubscriberFactory(email="ann@example.com")
    confirm(client, subscriber)
    settings.NEWSLETTER_PROVIDER = "tests.newsletter.providers.RecordingProvider"
    call_command("newsletter_sync", stdout=open("/dev/null", "w"))  # noqa: SIM115
    subscriber.refresh_from_db()
    assert recording_provider == [("subscribe", "ann@example.com")]
    assert (subscriber.provider_status, subscriber.provider_attempts) == (
        Subscriber.Status.CONFIRMED,
        0,
    )


def test_sync_command_takes_an_address_the_provider_still_lists_off_its_list(
    db, recording_provider
):
    # An unsubscribe the provider missed, followed by a new (still pending) sign-up.
    SubscriberFactory(
        email="ann@example.com",
        status=Subscriber.Status.PENDING,
        provider_status=Subscriber.Status.CONFIRMED,
    )
    call_command("newsletter_sync", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert recording_provider == [("unsubscribe", "ann@example.com")]
    assert not Subscriber.objects.get().needs_provider_sync
