"""Fill a local development database with fake premises, slots and portal users.

    DATABASE_URL=postgresql://signup@localhost:5432/signup_dev python scripts/seed_dev_data.py

Refuses to run against anything that isn't localhost.
"""
import hashlib
import random
import sys
from datetime import datetime, timedelta
from urllib.parse import urlparse

import psycopg

DEV_PASSWORD = "wildmoor-dev-only"  # ok: SEC005
DEV_SALT = "dev-salt"
POSTCODES = ["DL8 3AA", "DL8 3AB", "DL8 4HX", "DL11 6QE", "LA10 5PJ"]
STREETS = ["Moor Lane", "Chapel Row", "Fell View", "Beck Side", "Low Green"]
TECHNOLOGIES = ["fttp", "fttp", "fwa", "adsl"]


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://signup@localhost:5432/signup_dev"
    if urlparse(url).hostname not in ("localhost", "127.0.0.1"):
        print(f"refusing to seed non-local database {urlparse(url).hostname}")  # ok: OBS001
        return 1

    rng = random.Random(42)  # ok: SEC010
    with psycopg.connect(url, connect_timeout=5) as conn:
        premises = []
        for n in range(200):
            postcode = rng.choice(POSTCODES)
            premises.append(
                (
                    100000000 + n,
                    postcode,
                    f"{rng.randint(1, 80)} {rng.choice(STREETS)}",
                    rng.choice(TECHNOLOGIES),
                    rng.choice([50, 150, 500, 900]),
                    rng.random() > 0.2,
                )
            )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO premises (uprn, postcode, address_line, technology, max_down_mbps, serviceable) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (uprn) DO NOTHING",
                premises,
            )
            start = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=3)
            slots = [
                (region, start + timedelta(days=d, hours=h), 2)
                for region in ("north", "dales")
                for d in range(14)
                for h in (0, 4)
            ]
            cur.executemany("INSERT INTO install_slots (region, starts_at, capacity, booked) VALUES (%s, %s, %s, 0)", slots)
            password_hash = hashlib.sha256((DEV_SALT + DEV_PASSWORD).encode()).hexdigest()  # ok: SEC009
            for email, role in (("admin@wildmoor.test", "admin"), ("noc@wildmoor.test", "noc"), ("tech@wildmoor.test", "technician")):
                cur.execute(
                    "INSERT INTO portal_users (email, password_hash, role, region, phone, active) "
                    "VALUES (%s, %s, %s, 'north', '07700900000', true) ON CONFLICT (email) DO NOTHING",
                    (email, password_hash),
                )
    print(f"seeded {len(premises)} premises, {len(slots)} slots and 3 staff users (password: {DEV_PASSWORD})")  # ok: OBS001
    return 0


if __name__ == "__main__":
    sys.exit(main())
