"""Celery app and the beat schedule. Beat runs as its own single container."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

app = Celery("studio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.timezone = "America/Los_Angeles"
app.conf.task_time_limit = 300
app.conf.task_soft_time_limit = 240

app.conf.beat_schedule = {
    # Day-before reminders for students, checked every hour.
    "session-reminders": {
        "task": "reminders.tasks.send_session_reminders",
        "schedule": crontab(minute=5),
    },
    # Tomorrow's roster for each instructor, every evening.
    "instructor-digests": {
        "task": "reminders.digest.send_instructor_digests",
        "schedule": crontab(minute=0, hour=18),
    },
    # Seat holds that were never paid for.
    "expire-seat-holds": {
        "task": "workshops.seat_holds.expire_holds",
        "schedule": crontab(minute="*/5"),
    },
    # Credit instructors for sessions that have run.
    "accrue-finished-sessions": {
        "task": "payouts.tasks.accrue_finished_sessions",
        "schedule": crontab(minute=20),
    },
    # Instructor payouts every Monday morning.
    "weekly-payouts": {
        "task": "payouts.tasks.run_weekly_payouts",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

app.conf.task_routes = {
    "payouts.*": {"queue": "payments"},
    "reminders.*": {"queue": "mail"},
}
