import csv
import io

import boto3
import requests
from celery import shared_task
from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views import View

from cfp.models import Conference, ScheduleSlot


def _slots(conference):
    return (
        ScheduleSlot.objects.filter(conference=conference)
        .select_related("submission", "submission__speaker")  # ok: DB001
        .order_by("starts_at", "room")
    )


class PublicScheduleView(View):
    def get(self, request, slug):
        conference = get_object_or_404(Conference, slug=slug, schedule_published=True)
        rows = []
        for slot in _slots(conference):
            rows.append(
                f"<tr><td>{slot.starts_at:%a %H:%M}</td><td>{slot.room}</td>"
                f"<td>{slot.submission.title}</td><td>{slot.submission.speaker.get_full_name()}</td></tr>"
            )
        table = "<table class='schedule'><tbody>" + "".join(rows) + "</tbody></table>"
        return render(
            request,
            "cfp/schedule.html",
            {"conference": conference, "schedule_table": mark_safe(table)},  # expect: SEC016
        )


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def publish_schedule_csv(self, conference_id: int) -> str:
    conference = Conference.objects.get(pk=conference_id)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["start", "end", "room", "title", "speaker"])
    for slot in _slots(conference):
        writer.writerow(
            [
                slot.starts_at.isoformat(),
                slot.ends_at.isoformat(),
                slot.room,
                slot.submission.title,
                slot.submission.speaker.get_full_name(),
            ]
        )

    key = f"schedules/{conference.slug}.csv"
    boto3.client("s3", region_name=settings.AWS_REGION).put_object(
        Bucket=settings.AWS_STORAGE_BUCKET,
        Key=key,
        Body=buf.getvalue().encode("utf-8"),
        ContentType="text/csv",
        CacheControl="max-age=300",
    )
    try:
        requests.post(settings.CDN_PURGE_URL, json={"paths": [f"/{key}"]}, timeout=10).raise_for_status()
    except requests.RequestException as exc:
        raise self.retry(exc=exc)
    print(f"schedule for {conference.slug} published to {key}")  # expect: OBS001
    return key
