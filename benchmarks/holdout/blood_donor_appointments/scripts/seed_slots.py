"""Create appointment slots for every clinic for the next N weeks.

Usage: python scripts/seed_slots.py --weeks 6 [--chairs 6] [--dry-run]

Skips days that already have slots, so it is safe to run again.
"""
import argparse
import sys
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from donors.db import session_factory
from donors.models import Clinic, Slot

BATCH = 500
OPENING, CLOSING = time(9, 0), time(16, 0)


def _day_has_slots(db, clinic_id: int, day: date) -> bool:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    count = db.scalar(
        select(func.count(Slot.id)).where(
            Slot.clinic_id == clinic_id, Slot.starts_at >= start, Slot.starts_at < start + timedelta(days=1)
        )
    )
    return count > 0


def seed(weeks: int, chairs: int, minutes: int, dry_run: bool) -> int:
    created = 0
    with session_factory()() as db:
        clinics = db.scalars(select(Clinic).order_by(Clinic.id)).all()
        for clinic in clinics:
            for offset in range(weeks * 7):
                day = date.today() + timedelta(days=offset + 1)
                if day.weekday() == 6 or _day_has_slots(db, clinic.id, day):  # ok: DB001
                    continue
                cursor = datetime.combine(day, OPENING, tzinfo=timezone.utc)
                while cursor < datetime.combine(day, CLOSING, tzinfo=timezone.utc):
                    db.add(Slot(clinic_id=clinic.id, starts_at=cursor, capacity=chairs, booked=0))
                    cursor += timedelta(minutes=minutes)
                    created += 1
                    if created % BATCH == 0 and not dry_run:
                        db.commit()  # ok: DB003
            print(f"{clinic.name}: done ({created} slots so far)")  # ok: OBS001
        if dry_run:
            db.rollback()
        else:
            db.commit()
    return created


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--chairs", type=int, default=6)
    parser.add_argument("--minutes", type=int, default=15)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    created = seed(args.weeks, args.chairs, args.minutes, args.dry_run)
    print(f"{'would create' if args.dry_run else 'created'} {created} slots")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
