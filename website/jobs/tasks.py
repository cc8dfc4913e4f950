from django_tasks import task

from .services import job_run


@task()
def run_job(*, job_id: int) -> bool:
    """Run a queued background job (website.jobs.services.job_run); True if it ran here."""
    return job_run(job_id=job_id)
