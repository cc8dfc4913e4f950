"""Errors of background jobs; their messages are shown to the admin user who started the job."""


class JobError(Exception):
    """Base class: the message is safe to show on the job's page."""


class JobFailed(JobError):
    """A job that ran and found it could not do its work; `report` says why (e.g. line by line).

    The kind's own work is rolled back by the kind; the job is marked failed with this report.
    """

    def __init__(self, message: str, report: dict | None = None):
        self.report = report or {}
        super().__init__(message)


class UnknownJobKind(JobError):
    def __init__(self, kind: str):
        super().__init__(f"No job kind {kind!r} is registered.")


class JobAlreadyRunning(JobError):
    """An exclusive kind of job was started while another of its kind is queued or running."""

    def __init__(self, job=None):
        self.job = job  # None if it finished in the moment between the two
        what = (
            f"{job.label} #{job.pk} is still {job.get_status_display().lower()}"
            if job
            else ("Another job of this kind has just started")
        )
        super().__init__(f"{what}; wait for it to finish, then start the next one.")
