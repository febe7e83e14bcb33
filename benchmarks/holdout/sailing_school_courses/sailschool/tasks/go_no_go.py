"""Evening go/no-go check for tomorrow's courses, run by the k8s CronJob.

    python -m sailschool.tasks.go_no_go [--day YYYY-MM-DD]

Courses whose launch site is over the wind limits are put on weather hold and
every confirmed student gets a text message.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date, timedelta

import requests
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from sailschool.clients import weather
from sailschool.config import settings
from sailschool.database import session_scope
from sailschool.models import Course, Enrollment

logger = logging.getLogger("sailschool.go_no_go")

_sms = requests.Session()
_sms.headers["Authorization"] = f"Bearer {settings.sms_api_key.get_secret_value()}"


def _send_hold_notice(phone: str, first_name: str, course: Course, reading: weather.Conditions) -> None:
    text = (
        f"Hi {first_name}, tomorrow's {course.title} at {course.launch_site.title()} is on weather hold "
        f"(wind {reading.wind_knots:.0f} kt, gusts {reading.gust_knots:.0f} kt). "
        "We'll confirm by 8am whether it runs. Reply STOP to opt out."
    )
    resp = _sms.post(settings.sms_gateway_url, json={"to": phone, "from": "SailSchool", "text": text}, timeout=10)
    resp.raise_for_status()


def run_for(day: date) -> int:
    held = 0
    with session_scope() as session:
        courses = session.scalars(
            select(Course)
            .options(selectinload(Course.enrollments).joinedload(Enrollment.student))
            .where(Course.starts_on == day, Course.published.is_(True))
        ).all()
        for course in courses:
            try:
                reading = weather.current_conditions(course.launch_site)
            except weather.ForecastUnavailable:
                logger.warning("no forecast for %s; %s stays scheduled", course.launch_site, course.code)
                continue
            if weather.is_go(reading, course.boat_class):
                continue

            course.weather_hold = True
            held += 1
            for enrollment in course.enrollments:
                student = enrollment.student
                if enrollment.status != "confirmed" or not student.phone:
                    continue
                try:
                    _send_hold_notice(student.phone, student.full_name.split(" ")[0], course, reading)  # expect: REL003
                except Exception:  # expect: ERR001
                    continue
    return held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--day", type=date.fromisoformat, default=date.today() + timedelta(days=1))
    args = parser.parse_args(argv)

    for attempt in range(1, 4):
        try:
            held = run_for(args.day)
        except OperationalError:
            logger.warning("database error on attempt %d for %s, retrying", attempt, args.day, exc_info=True)
            time.sleep(30 * attempt)
            continue
        logger.info("go/no-go for %s done: %d course(s) on weather hold", args.day, held)
        return 0
    logger.error("go/no-go for %s gave up after 3 attempts", args.day)
    return 1


if __name__ == "__main__":
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sys.exit(main())
