"""Starting, running and finishing background jobs."""

import logging
import time
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from .exceptions import JobAlreadyRunning, JobFailed, UnknownJobKind
from .models import Job
from .registry import get_job_kind

logger = logging.getLogger("coachhouse.jobs")

# A running job writes its progress (its heartbeat) at least this often while it works...
PROGRESS_INTERVAL_SECONDS = 0.5
# ...so one silent for this long has lost its worker (killed, out of memory, redeployed).
STALE_AFTER = timedelta(minutes=15)


def job_start(
    *,
    kind: str,
    user,
    data: bytes | None = None,
    filename: str = "",
    params: dict | None = None,
) -> Job:
    """Record a job of a registered `kind` and queue it for the task worker.

    `data` (an upload) is kept in private storage until the job finishes; `params` must be
    JSON-serialisable. The task is enqueued once the surrounding transaction commits, so the
    worker always finds the row (on the immediate backend of the demo and tests, it runs then).
    A kind registered `exclusive` raises JobAlreadyRunning while another of it is unfinished.
    """
    from .tasks import run_job  # the task module imports this one

    registered = get_job_kind(kind)
    if registered is None:
        raise UnknownJobKind(kind)
    if registered.exclusive:
        jobs_fail_stale()
        unfinished = Job.objects.filter(running_exclusive=kind).first()
        if unfinished is not None:
            raise JobAlreadyRunning(unfinished)
    input_name = ""
    if data is not None:
        safe = get_valid_filename(filename or "upload")[-100:]
        input_name = storages["private"].save(f"jobs/{uuid.uuid4().hex}/{safe}", ContentFile(data))
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                created_by=user if getattr(user, "pk", None) else None,
                params=params or {},
                input_name=input_name,
                input_label=filename[:255],
                running_exclusive=kind if registered.exclusive else None,
            )
    except IntegrityError:  # another start of the same exclusive kind won the race
        if input_name:
            storages["private"].delete(input_name)
        raise JobAlreadyRunning(Job.objects.filter(running_exclusive=kind).first()) from None
    transaction.on_commit(lambda: run_job.enqueue(job_id=job.pk))
    return job


class _ProgressWriter:
    """progress(done, total, phase): stores how far the job got, at most every half second
    (and always on a new phase or the last step), as a conditional UPDATE of a running job."""

    def __init__(self, job: Job):
        self.job = job
        self.last_write = 0.0
        self.last_phase = None

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        now = time.monotonic()
        due = now - self.last_write >= PROGRESS_INTERVAL_SECONDS
        if not (due or phase != self.last_phase or done >= total):
            return
        self.last_write, self.last_phase = now, phase
        Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(
            progress=max(0, min(done, total)),
            total=max(total, 0),
            phase=phase[:100],
            updated_at=timezone.now(),
        )


def job_run(*, job_id: int) -> bool:
    """Run a queued job once: pending → running → succeeded or failed; True if it ran here.

    The move to running is a conditional UPDATE, so a task delivered twice runs the work
    once. A kind's JobFailed is a clean failure with its report; any other exception fails
    the job with a generic message (the traceback goes to the log). Either way the input file
    is deleted and the job finishes with its time.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    kind = get_job_kind(job.kind)
    status, message, report = Job.Status.FAILED, "", {}
    try:
        if kind is None:
            raise UnknownJobKind(job.kind)
        data = None
        if job.input_name:
            with storages["private"].open(job.input_name, "rb") as handle:
                data = handle.read()
        result = kind.run(job=job, data=data, progress=_ProgressWriter(job))
    except (JobFailed, UnknownJobKind) as exc:
        message, report = str(exc), getattr(exc, "report", {})
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        message = "The job stopped with an unexpected error; the team has the details in the log."
    else:
        status, message, report = Job.Status.SUCCEEDED, result.message, result.report
    finally:
        _delete_input(job)
    Job.objects.filter(pk=job.pk).update(
        status=status,
        message=message,
        report=report,
        running_exclusive=None,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return True


def _delete_input(job: Job) -> None:
    if job.input_name:
        try:
            storages["private"].delete(job.input_name)
        except OSError:
            logger.warning("Job %s: could not delete its input %s", job.pk, job.input_name)


def jobs_fail_stale(*, now=None) -> int:
    """Mark failed the running jobs whose worker has been silent for STALE_AFTER; how many.

    A worker that dies (killed, out of memory, a redeploy) leaves its job "running" for ever;
    this says so on its page instead. Cheap and safe to repeat: the job page calls it.
    """
    now = now or timezone.now()
    return Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=now - STALE_AFTER).update(
        status=Job.Status.FAILED,
        message=(
            "The worker running this job stopped responding (see its last update). What it "
            "did in one transaction was rolled back; start it again."
        ),
        running_exclusive=None,
        finished_at=now,
    )
