"""Seed a local development database with rooms, devices, readings and a batch.

    HARVEST_JWT_SECRET=... python -m scripts.seed_dev

Refuses to run unless HARVEST_ENVIRONMENT=development.
"""

import random
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from app.auth.accounts import hash_password
from app.auth.devices import hash_device_key
from app.config import get_settings
from app.db import session_scope
from app.models import Account, Device, GrowRoom, HarvestBatch, Reading

DEV_PASSWORD = "grower-dev-password"  # ok: SEC005
ROOMS = ["Oyster A", "Oyster B", "Lion's Mane", "Shiitake"]


def main() -> int:
    settings = get_settings()
    if settings.environment != "development":
        print("refusing to seed: HARVEST_ENVIRONMENT is not 'development'", file=sys.stderr)  # ok: OBS001
        return 1

    rng = random.Random(42)  # ok: SEC010
    now = datetime.now(timezone.utc)
    with session_scope() as db:
        db.add(Account(email="grower@localhost", password_hash=hash_password(DEV_PASSWORD), role="grower"))
        db.add(Account(email="buyer@localhost", password_hash=hash_password(DEV_PASSWORD), role="buyer", buyer_id=1))
        for index, name in enumerate(ROOMS, start=1):
            room = GrowRoom(name=name)
            db.add(room)
            db.flush()
            raw_key = f"dev-device-key-room-{index}"  # ok: SEC005
            device = Device(room_id=room.id, label=f"{name} sensor", api_key_hash=hash_device_key(raw_key))
            db.add(device)
            db.flush()
            db.add_all(
                Reading(
                    room_id=room.id,
                    device_id=device.id,
                    recorded_at=now - timedelta(minutes=5 * step),
                    temperature_c=Decimal(f"{rng.uniform(16, 22):.2f}"),
                    humidity_pct=Decimal(f"{rng.uniform(82, 95):.2f}"),
                    co2_ppm=rng.randint(600, 1400),
                )
                for step in range(288)
            )
            db.add(
                HarvestBatch(
                    room_id=room.id,
                    strain=name.split()[0].lower(),
                    harvested_at=now - timedelta(days=1),
                    weight_kg=Decimal("42.50"),
                    available_kg=Decimal("42.50"),
                    list_price_per_kg_cents=1150,
                )
            )
            print(f"room {name!r}: device key {raw_key}")  # ok: OBS001
    print("seeded development data")  # ok: OBS001
    return 0


if __name__ == "__main__":
    sys.exit(main())
