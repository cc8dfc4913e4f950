"""Background jobs: started by a user, run once by the worker, watched on an admin page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.utils import timezone

from website.jobs import registry
from website.jobs.exceptions import JobAlreadyRunning, JobFailed, UnknownJobKind
from website.jobs.models import Job
from website.jobs.registry import JobResult, register_job_kind
from website.jobs.services import STALE_AFTER, job_run, job_start, jobs_fail_stale

pytestmark = pytest.mark.django_db

seen = []


def _count_bytes(*, job, data, progress):
    lines = data.decode().splitlines()
    for done, line in enumerate(lines, start=1):
        seen.append(line)
        progress(done, len(lines), "counting")
    return JobResult(message=f"{len(lines)} lines counted.", report={"lines": lines})


def _refuse(*, job, data, progress):
    raise JobFailed("Line 2 is bad.", report={"lines": ["line 2: bad"]})


def _crash(*, job, data, progress):
    raise RuntimeError("a bug")


@pytest.fixture(autouse=True)
def kinds():
    saved = dict(registry._kinds)
    seen.clear()
    for name, run in (
        ("test_count", _count_bytes),
        ("test_refuse", _refuse),
        ("test_crash", _crash),
    ):
        register_job_kind(name, label="Count lines", run=run, permission="trainers.add_trainer")
    register_job_kind(
        "test_exclusive",
        label="Count lines alone",
        run=_count_bytes,
        permission="trainers.add_trainer",
        exclusive=True,
    )
    yield
    registry._kinds.clear()
    registry._kinds.update(saved)


@pytest.fixture
def manager(client, user):
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="add_trainer"),
    )
    client.force_login(user)
    return client


def test_a_started_job_runs_once_the_transaction_commits_and_reports(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="test_count", user=user, data=b"a\nb\nc\n", filename="abc.txt")
        assert seen == []
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress, job.total, job.percent) == (3, 3, 100)
    assert job.message == "3 lines counted."
    assert job.report == {"lines": ["a", "b", "c"]}
    assert job.input_label == "abc.txt" and job.finished_at is not None
    assert seen == ["a", "b", "c"]


def test_the_uploaded_input_is_deleted_when_the_job_finishes(user):
    job = job_start(kind="test_count", user=user, data=b"a\n", filename="a.txt")
    assert storages["private"].exists(job.input_name)
    job_run(job_id=job.pk)
    assert not storages["private"].exists(job.input_name)


def test_a_job_delivered_twice_runs_its_work_once(user):
    job = job_start(kind="test_count", user=user, data=b"a\n", filename="a.txt")
    assert job_run(job_id=job.pk) is True
    assert job_run(job_id=job.pk) is False
    assert seen == ["a"]


def test_a_kind_that_refuses_fails_the_job_with_its_report(user):
    job = job_start(kind="test_refuse", user=user, data=b"x\n")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Line 2 is bad."
    assert job.report == {"lines": ["line 2: bad"]}


def test_an_unexpected_error_fails_the_job_with_a_plain_message(user):
    job = job_start(kind="test_crash", user=user)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "unexpected error" in job.message and "a bug" not in job.message


def test_an_unknown_kind_cannot_be_started(user):
    with pytest.raises(UnknownJobKind):
        job_start(kind="nope", user=user)
    assert Job.objects.count() == 0


def test_an_exclusive_kind_refuses_a_second_start_until_the_first_has_finished(user):
    first = job_start(kind="test_exclusive", user=user, data=b"a\n", filename="a.txt")
    with pytest.raises(JobAlreadyRunning, match=rf"Count lines alone #{first.pk} is still waiting"):
        job_start(kind="test_exclusive", user=user, data=b"b\n", filename="b.txt")
    assert Job.objects.count() == 1
    # Other kinds are not held up by it.
    job_start(kind="test_count", user=user)
    job_start(kind="test_count", user=user)

    assert job_run(job_id=first.pk)
    second = job_start(kind="test_exclusive", user=user, data=b"b\n", filename="b.txt")
    assert second.running_exclusive == "test_exclusive"
    first.refresh_from_db()
    assert first.running_exclusive is None


def test_an_exclusive_job_that_failed_or_went_silent_lets_the_next_one_start(user):
    failing = job_start(kind="test_exclusive", user=user)  # no input: the work fails
    assert job_run(job_id=failing.pk)
    silent = job_start(kind="test_exclusive", user=user)
    Job.objects.filter(pk=silent.pk).update(
        status=Job.Status.RUNNING, updated_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    job_start(kind="test_exclusive", user=user)
    silent.refresh_from_db()
    assert silent.status == Job.Status.FAILED and silent.running_exclusive is None


def test_two_exclusive_starts_racing_past_the_check_leave_one_job(user, monkeypatch):
    job_start(kind="test_exclusive", user=user)
    # The second start's look found nothing (as if both looked at the same moment): the
    # unique constraint still refuses it, and its stored upload is deleted.
    monkeypatch.setattr("website.jobs.services.jobs_fail_stale", lambda: 0)
    real_filter = Job.objects.filter
    monkeypatch.setattr(
        Job.objects,
        "filter",
        lambda *a, **kw: (
            real_filter(pk=None) if "running_exclusive" in kw and not a else real_filter(*a, **kw)
        ),
    )
    saved = []
    storage = storages["private"]
    real_save = storage.save
    monkeypatch.setattr(
        storage, "save", lambda name, content: saved.append(real_save(name, content)) or saved[-1]
    )
    with pytest.raises(JobAlreadyRunning):
        job_start(kind="test_exclusive", user=user, data=b"x", filename="x.txt")
    assert Job.objects.count() == 1
    assert saved and not storage.exists(saved[0])


def test_a_running_job_whose_worker_went_silent_is_marked_failed(user):
    job = job_start(kind="test_count", user=user)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, updated_at=now - STALE_AFTER)
    fresh = job_start(kind="test_count", user=user)
    Job.objects.filter(pk=fresh.pk).update(status=Job.Status.RUNNING, updated_at=now)
    assert jobs_fail_stale(now=now + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Job.Status.FAILED and "stopped responding" in job.message
    assert fresh.status == Job.Status.RUNNING


def test_the_job_page_shows_progress_while_it_runs_and_polls_with_a_static_script(manager, user):
    job = job_start(kind="test_count", user=user)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, progress=5, total=20)
    html = manager.get(f"/admin/jobs/{job.pk}/").content.decode()
    assert '<progress id="job-progress" max="20" value="5"' in html
    assert f'data-job-status-url="/admin/jobs/{job.pk}/status.json"' in html
    assert "js/job-progress.js" in html
    state = manager.get(f"/admin/jobs/{job.pk}/status.json").json()
    assert state["status"] == "running" and state["percent"] == 25 and not state["finished"]


def test_the_status_of_a_stale_job_reads_failed(manager, user):
    job = job_start(kind="test_count", user=user)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, updated_at=timezone.now() - STALE_AFTER - timedelta(minutes=1)
    )
    state = manager.get(f"/admin/jobs/{job.pk}/status.json").json()
    assert state["status"] == "failed" and state["finished"]


def test_the_finished_job_page_shows_the_report(manager, user):
    job = job_start(kind="test_count", user=user, data=b"first line\n")
    job_run(job_id=job.pk)
    html = manager.get(f"/admin/jobs/{job.pk}/").content.decode()
    assert "1 lines counted." in html and "<li>first line</li>" in html
    assert "<progress" not in html


def test_another_users_job_is_not_found(manager, user):
    from tests.factories import UserFactory

    job = job_start(kind="test_count", user=UserFactory())
    assert manager.get(f"/admin/jobs/{job.pk}/").status_code == 404
    assert manager.get(f"/admin/jobs/{job.pk}/status.json").status_code == 404


def test_a_job_is_hidden_from_its_starter_without_the_kinds_permission(client, user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    job = job_start(kind="test_count", user=user)
    assert client.get(f"/admin/jobs/{job.pk}/").status_code == 404
