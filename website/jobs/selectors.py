"""Reading background jobs."""

from django.db.models import QuerySet

from .models import Job
from .registry import get_job_kind


def job_visible_to(*, job: Job, user) -> bool:
    """Whether `user` may see `job`: its starter or a superuser, holding the kind's permission."""
    kind = get_job_kind(job.kind)
    if kind is None or not user.has_perm(kind.permission):
        return False
    return user.is_superuser or (job.created_by_id is not None and job.created_by_id == user.pk)


def jobs_recent(*, kind: str, user, limit: int = 5) -> QuerySet[Job]:
    """The latest jobs of `kind` that `user` started (every user's, for a superuser)."""
    jobs = Job.objects.filter(kind=kind)
    if not user.is_superuser:
        jobs = jobs.filter(created_by=user)
    return jobs.select_related("created_by")[:limit]
