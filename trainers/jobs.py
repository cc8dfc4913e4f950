"""The trainer CSV import as a background job (registered in TrainersConfig.ready)."""

from website.jobs.exceptions import JobFailed
from website.jobs.registry import JobResult, register_job_kind

from .exceptions import ImportRejected
from .services import trainer_import_csv

TRAINER_IMPORT = "trainer_import"


def trainer_import_job(*, job, data: bytes, progress) -> JobResult:
    """Run `trainer_import_csv` on the uploaded file; the report lists every row by line.

    Report: {"file", "created", "updated", "unchanged", "rows": [[line, state, external_id,
    name], …], "errors": [[line, reason], …]}. A file with any bad row imports nothing: the
    job fails with every bad line in its report.
    """
    try:
        summary = trainer_import_csv(data=data, progress=progress)
    except ImportRejected as exc:
        raise JobFailed(
            str(exc), report={"file": job.input_label, "errors": [list(e) for e in exc.errors]}
        ) from None
    return JobResult(
        message=(
            f"Trainers imported: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged."
        ),
        report={
            "file": job.input_label,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "rows": [list(row) for row in summary.rows],
            "errors": [],
        },
    )


def register() -> None:
    register_job_kind(
        TRAINER_IMPORT,
        label="Import trainers",
        run=trainer_import_job,
        permission="trainers.add_trainer",
        report_template="trainers/admin/trainer_import_report.html",
        start_url_name="trainer_import:upload",
        exclusive=True,
    )
