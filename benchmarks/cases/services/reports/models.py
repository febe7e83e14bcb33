"""Django models for the reports app: reports, their runs, exports and view counters."""
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import F

logger = logging.getLogger(__name__)


class Report(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="shared_reports", blank=True)
    name = models.CharField(max_length=200)
    source_table = models.CharField(max_length=120, db_index=True)
    stale = models.BooleanField(default=False)
    auto_refresh = models.BooleanField(default=True)
    pinned = models.BooleanField(default=False)
    view_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["stale", "auto_refresh", "updated_at"]),
        ]

    def __str__(self):
        return self.name

    def record_view(self):
        Report.objects.filter(pk=self.pk).update(view_count=F("view_count") + 1)  # ok: DB004

    def warm_cache(self):
        rows = list(self.rows.order_by("period").values("period", "region", "metric", "value")[:5000])
        cache.set(f"report:{self.pk}:rows", rows, timeout=600)


class ReportRun(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=[("running", "running"), ("done", "done"),
                                                      ("failed", "failed"), ("retrying", "retrying")])
    row_count = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["report", "-finished_at"])]


class ReportRow(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="rows")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    period = models.DateField()
    region = models.CharField(max_length=8)
    metric = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        indexes = [models.Index(fields=["report", "region", "period"])]


class Export(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="exports")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    region = models.CharField(max_length=8, blank=True)
    state = models.CharField(max_length=12, default="queued")
    storage_key = models.CharField(max_length=300, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
