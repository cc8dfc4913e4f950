"""A background job's page follows the job as the worker moves it: the bar fills, then the
report appears (static/js/job-progress.js polling the status JSON)."""

from playwright.sync_api import expect

from tests.e2e.test_editor import sign_in_to_the_admin
from website.accounts.models import User
from website.jobs.models import Job


def test_the_job_page_fills_its_bar_as_the_worker_reports_and_then_shows_the_report(
    page, browser, live_server
):
    editor_user = User.objects.get(email="editor@coachhouse.test")
    job = Job.objects.create(
        kind="trainer_import",
        created_by=editor_user,
        status=Job.Status.RUNNING,
        progress=10,
        total=100,
        phase="checking",
        input_label="trainers.csv",
    )
    editor = sign_in_to_the_admin(browser, live_server.url, "editor@coachhouse.test")
    editor.goto(job.get_absolute_url())
    bar = editor.locator("[data-job-progress]")
    expect(bar).to_have_attribute("value", "10")

    Job.objects.filter(pk=job.pk).update(progress=60, phase="saving")
    expect(editor.locator("[data-job-field=percent]")).to_have_text("60")
    expect(editor.locator("[data-job-field=phase]")).to_have_text("saving")

    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        message="Trainers imported: 1 created, 0 updated, 0 unchanged.",
        report={
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "rows": [[2, "created", "x-1", "Upload Coach"]],
            "errors": [],
        },
    )
    expect(
        editor.get_by_text("Trainers imported: 1 created, 0 updated, 0 unchanged.")
    ).to_be_visible()
    expect(editor.get_by_role("cell", name="Upload Coach")).to_be_visible()
    expect(editor.locator("[data-job-progress]")).to_have_count(0)
