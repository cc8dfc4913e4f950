"""A background job: what it is, how far it got, and what it reported."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Job(models.Model):
    """One run of a registered kind of job (website.jobs.registry), started by a user.

    `progress` of `total` steps is written by the worker as it goes (with `updated_at` as its
    heartbeat); `report` is the kind's JSON result, `message` the one sentence shown on top.
    The uploaded input, if any, lives in private storage under `input_name` until it finishes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=50, db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    input_name = models.CharField(max_length=255, blank=True)
    input_label = models.CharField("file", max_length=255, blank=True)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The kind's name while a job of an exclusive kind is queued or running, else NULL: the
    # unique constraint lets only one hold it, on every database, however many start at once.
    running_exclusive = models.CharField(
        max_length=50, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self):
        return reverse("jobs_detail", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        from .registry import get_job_kind  # the registry is filled at start-up

        kind = get_job_kind(self.kind)
        return kind.label if kind else self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return 100 * self.progress // self.total if self.total else 0
