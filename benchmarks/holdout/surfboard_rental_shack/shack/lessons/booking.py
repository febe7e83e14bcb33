"""Lesson booking service used by the staff tablet and the weather jobs.

An instructor's daily capacity lives in ``instructor_days``; a slot is claimed
with one conditional ``$inc`` and the lesson insert is protected by a unique
index on (instructor_id, starts_at).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from bson import ObjectId
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from redis import Redis

logger = logging.getLogger(__name__)

MAX_LESSONS_PER_DAY = 5
BOOKING_LIMIT_PER_MINUTE = 10


class SlotTaken(Exception):
    pass


def allow_booking_attempt(redis: Redis, client_key: str) -> bool:
    """Fixed-window rate limit shared by every web process."""
    window = int(datetime.now(timezone.utc).timestamp() // 60)
    key = f"lesson-book:{client_key}:{window}"
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, 120)
    attempts, _ = pipe.execute()  # ok: SCL001
    return attempts <= BOOKING_LIMIT_PER_MINUTE


def book_lesson(db: Database, *, instructor_id: str, spot_id: str, customer_id: str, starts_at: datetime) -> ObjectId:
    day = starts_at.date().isoformat()
    db.instructor_days.update_one(
        {"instructor_id": instructor_id, "day": day},
        {"$setOnInsert": {"booked": 0, "capacity": MAX_LESSONS_PER_DAY}},
        upsert=True,
    )
    claimed = db.instructor_days.find_one_and_update(
        {"instructor_id": instructor_id, "day": day, "$expr": {"$lt": ["$booked", "$capacity"]}},  # ok: DB005
        {"$inc": {"booked": 1}},
    )
    if claimed is None:
        raise SlotTaken(f"instructor {instructor_id} is fully booked on {day}")
    try:
        return db.lessons.insert_one(
            {
                "instructor_id": instructor_id,
                "spot_id": spot_id,
                "customer_id": customer_id,
                "starts_at": starts_at,
                "status": "booked",
                "created_at": datetime.now(timezone.utc),
            }
        ).inserted_id
    except DuplicateKeyError as exc:
        db.instructor_days.update_one({"instructor_id": instructor_id, "day": day}, {"$inc": {"booked": -1}})
        raise SlotTaken("that time is already taken") from exc


def cancel_lesson(db: Database, lesson_id: ObjectId, reason: str) -> bool:
    lesson = db.lessons.find_one_and_update(
        {"_id": lesson_id, "status": "booked"}, {"$set": {"status": reason}}
    )
    if lesson is None:
        return False
    day = lesson["starts_at"].date().isoformat()
    db.instructor_days.update_one({"instructor_id": lesson["instructor_id"], "day": day}, {"$inc": {"booked": -1}})
    return True


def send_weather_cancellation(lesson_id: str) -> None:
    """RQ job: tell the customer their lesson was called off for the weather."""
    from shack.config import load_config
    from shack.db import db_for
    from shack.mailer import Mailer

    cfg = load_config()
    db = db_for(cfg)
    lesson = db.lessons.find_one({"_id": ObjectId(lesson_id)})
    if lesson is None or lesson.get("weather_notice_sent"):
        return
    customer = db.customers.find_one({"_id": lesson["customer_id"]}, {"email": 1, "first_name": 1})
    Mailer.from_config(cfg).send_text(
        customer["email"],
        "Your surf lesson is off today",
        f"Hi {customer.get('first_name', 'there')}, the wind is too strong for a safe lesson. We'll be in touch to rebook.",
    )
    db.lessons.update_one({"_id": lesson["_id"]}, {"$set": {"weather_notice_sent": True}})
    logger.info("weather cancellation sent for lesson %s", lesson_id)
