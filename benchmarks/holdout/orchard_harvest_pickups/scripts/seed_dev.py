"""Fill a local development database with a farm, slots, a scale and fake readings.

    ORCHARD_DEBUG=true python scripts/seed_dev.py
Never run against production: it creates accounts with a known password.
"""
import datetime as dt
import random
from decimal import Decimal

from orchard.auth import hash_password
from orchard.db import engine, session_scope
from orchard.models import Base, CrateStock, Device, Farm, PickSlot, User, WeighReading

DEV_PASSWORD = "orchard-dev-only"  # ok: SEC005
CROPS = ["honeycrisp", "gala", "mcintosh"]


def main() -> None:
    Base.metadata.create_all(engine)
    rng = random.Random(42)  # ok: SEC010
    with session_scope() as session:
        farm = Farm(slug="sunny-slope", name="Sunny Slope Orchard", latitude=42.65, longitude=-73.75)
        session.add(farm)
        session.flush()
        session.add_all([
            User(email="staff@example.com", full_name="Dev Staff", is_staff=True,
                 password_hash=hash_password(DEV_PASSWORD)),
            User(email="picker@example.com", full_name="Dev Picker", is_staff=False,
                 password_hash=hash_password(DEV_PASSWORD)),
            CrateStock(farm_id=farm.id, available=120, on_loan=0),
            Device(id="SCALE-DEV-01", farm_id=farm.id, label="Barn scale"),
        ])
        today = dt.date.today()
        for offset in range(7):
            day = today + dt.timedelta(days=offset)
            for hour in (8, 10, 13):
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc)
                session.add(PickSlot(farm_id=farm.id, crop=rng.choice(CROPS), starts_at=start,
                                     ends_at=start + dt.timedelta(hours=2), capacity=40))
        session.flush()
        for i in range(200):
            session.add(WeighReading(
                device_id="SCALE-DEV-01", farm_id=farm.id, crop=rng.choice(CROPS),
                gross_kg=Decimal(str(round(rng.uniform(4, 14), 3))), tare_kg=Decimal("1.200"),
                recorded_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=7 * i),
            ))
    print(f"seeded farm, 21 slots and 200 readings; log in with password {DEV_PASSWORD!r}")  # ok: OBS001, SEC007


if __name__ == "__main__":
    main()
