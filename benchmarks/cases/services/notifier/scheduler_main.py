"""Entry point of the notifier scheduler container: runs periodic jobs in one dedicated process."""
import logging
import os

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from .delivery_worker import app
from .weekly_digest import build_weekly_digests

logger = logging.getLogger(__name__)

scheduler = BlockingScheduler(timezone=os.environ.get("SCHEDULER_TZ", "UTC"))


def _digests_job():
    with app.app_context():
        queued = build_weekly_digests.delay()
        logger.info("weekly digest build queued as task %s", queued.id)


def configure(sched: BlockingScheduler) -> BlockingScheduler:
    sched.add_job(
        _digests_job,
        CronTrigger(day_of_week="mon", hour=6, minute=0),
        id="weekly-digests",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=3600,
    )
    return sched


def main():
    logging.basicConfig(level=logging.INFO)
    configure(scheduler)
    logger.info("notifier scheduler starting with %s jobs", len(scheduler.get_jobs()))
    scheduler.start()  # ok: SCL003


if __name__ == "__main__":
    main()
