"""The admin upload's imports as background jobs (registered in ImportersConfig.ready).

The upload is the export itself (.xml for WordPress, .csv for WooCommerce) or a .zip holding
it together with the uploads folder (`uploads/` or `wp-content/uploads/` anywhere inside).
The zip is unpacked into a temporary folder that never leaves the worker: no member may
land outside it, and the unpacked total is capped before anything is written.
"""

import tempfile
import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath

from website.importers.exceptions import ImportFileRejected
from website.importers.report import OUTCOMES, ImportReport
from website.importers.woocommerce import woocommerce_import
from website.importers.wordpress import WordPressOptions, wordpress_import
from website.jobs.exceptions import JobFailed
from website.jobs.registry import JobResult, register_job_kind

WORDPRESS_IMPORT = "wordpress_import"
WOOCOMMERCE_IMPORT = "woocommerce_import"
PERMISSION = "importers.run_import"
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_MEMBERS = 50_000
EXPORT_SUFFIX = {WORDPRESS_IMPORT: ".xml", WOOCOMMERCE_IMPORT: ".csv"}


def zip_contents(data: bytes, *, suffix: str) -> tuple[str, str | None]:
    """(the export's member name, the uploads folder's member prefix or None) of an upload zip.

    ImportFileRejected when it is not a zip, holds too much, a member would land outside the
    folder it is unpacked in, or there is not exactly one export file outside the uploads.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileRejected("The file is not a readable .zip archive.") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ImportFileRejected(
            f"The archive unpacks to more than {MAX_MEMBERS} files or 2 GB; split it."
        )
    uploads = None
    for member in members:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in member.filename:
            raise ImportFileRejected(f"The archive member {member.filename!r} has an unsafe path.")
        if "uploads" in path.parts[:-1]:
            prefix = "/".join(path.parts[: path.parts.index("uploads") + 1]) + "/"
            if uploads is None or len(prefix) < len(uploads):
                uploads = prefix
    exports = [
        m.filename
        for m in members
        if not m.is_dir()
        and m.filename.lower().endswith(suffix)
        and not (uploads and m.filename.startswith(uploads))
        and not PurePosixPath(m.filename).name.startswith(".")
    ]
    if len(exports) != 1:
        found = "none" if not exports else ", ".join(exports[:5])
        raise ImportFileRejected(
            f"The archive must hold exactly one {suffix} export beside the uploads folder "
            f"(found {found})."
        )
    return exports[0], uploads


def _run(kind: str, *, job, data: bytes, progress) -> JobResult:
    suffix = EXPORT_SUFFIX[kind]
    dry_run = bool(job.params.get("dry_run"))

    def step(done: int, total: int) -> None:
        progress(done, total, phase="dry run" if dry_run else "importing")

    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        uploads = None
        try:
            if job.input_label.lower().endswith(".zip"):
                export_name, uploads_prefix = zip_contents(data, suffix=suffix)
                with zipfile.ZipFile(BytesIO(data)) as archive:
                    archive.extractall(folder)
                data = (Path(folder) / export_name).read_bytes()
                if uploads_prefix:
                    uploads = Path(folder) / uploads_prefix
            if kind == WORDPRESS_IMPORT:
                options = WordPressOptions(
                    episode_category=job.params.get("episode_category", "Episodes")
                )
                report = wordpress_import(
                    data=data, uploads=uploads, dry_run=dry_run, options=options, progress=step
                )
            else:
                report = woocommerce_import(
                    data=data, uploads=uploads, dry_run=dry_run, progress=step
                )
        except ImportFileRejected as exc:
            raise JobFailed(
                f"{exc} Nothing was imported.", report={"file": job.input_label}
            ) from None
    prefix = "Dry run, nothing written: " if dry_run else ""
    return JobResult(
        message=f"{prefix}{report.summary()}.", report=report_as_json(report, job.input_label)
    )


def report_as_json(report: ImportReport, file: str) -> dict:
    return {
        "file": file,
        "dry_run": report.dry_run,
        "counts": {outcome: report.count(outcome) for outcome in OUTCOMES},
        "entries": [[e.source_id, e.kind, e.title, e.outcome, e.reason] for e in report.entries],
        "warnings": [[w.source_id, w.title, w.message] for w in report.warnings],
    }


def wordpress_import_job(*, job, data: bytes, progress) -> JobResult:
    """The WordPress import of the uploaded .xml (or .zip with uploads); see wordpress_import."""
    return _run(WORDPRESS_IMPORT, job=job, data=data, progress=progress)


def woocommerce_import_job(*, job, data: bytes, progress) -> JobResult:
    """The WooCommerce import of the uploaded .csv (or .zip with uploads)."""
    return _run(WOOCOMMERCE_IMPORT, job=job, data=data, progress=progress)


def register() -> None:
    register_job_kind(
        WORDPRESS_IMPORT,
        label="Import from WordPress",
        run=wordpress_import_job,
        permission=PERMISSION,
        report_template="importers/admin/import_report.html",
        start_url_name="wordpress_import:upload",
        exclusive=True,
    )
    register_job_kind(
        WOOCOMMERCE_IMPORT,
        label="Import from WooCommerce",
        run=woocommerce_import_job,
        permission=PERMISSION,
        report_template="importers/admin/import_report.html",
        start_url_name="woocommerce_import:upload",
        exclusive=True,
    )
