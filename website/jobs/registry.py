"""The kinds of background job the site knows; each app registers its own at start-up.

    from website.jobs.registry import JobResult, register_job_kind

    def import_things(*, job, data, progress) -> JobResult:
        ...  # progress(done, total, phase="checking") as it goes
        return JobResult(message="12 things imported.", report={...})

    register_job_kind("things_import", label="Import things", run=import_things,
                      permission="things.add_thing", report_template="things/admin/report.html")

Register from the app's `AppConfig.ready()`, so the web servers and the task worker know it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, phase: str = "") -> None: ...


@dataclass(frozen=True)
class JobResult:
    """What a finished job reports: one sentence, and the kind's details (JSON-serialisable)."""

    message: str
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobKind:
    """A kind of job: `run(job=, data=, progress=)` does the work and returns a JobResult (or
    raises JobFailed); `permission` ("app.codename") is needed to start one and see its page;
    `report_template` renders `job.report` on that page."""

    name: str
    label: str
    run: Callable[..., JobResult]
    permission: str
    report_template: str = "jobs/admin/report.html"
    # Where "start another" leads (an admin URL name), e.g. the upload form.
    start_url_name: str = ""
    # One at a time: while one is queued or running, starting another is refused (two
    # imports of the same export side by side would each create what the other creates).
    exclusive: bool = False


_kinds: dict[str, JobKind] = {}


def register_job_kind(
    name: str,
    *,
    label: str,
    run: Callable[..., JobResult],
    permission: str,
    report_template: str = "jobs/admin/report.html",
    start_url_name: str = "",
    exclusive: bool = False,
) -> JobKind:
    """Make a kind of job known under `name` (registering the same name again replaces it)."""
    kind = JobKind(
        name=name,
        label=label,
        run=run,
        permission=permission,
        report_template=report_template,
        start_url_name=start_url_name,
        exclusive=exclusive,
    )
    _kinds[name] = kind
    return kind


def get_job_kind(name: str) -> JobKind | None:
    return _kinds.get(name)
