"""Fill a local development database with a few staff, drivers, quotes and trips.

Usage:  python scripts/seed_dev_data.py [--reset]
Only ever pointed at a throwaway local postgres (docker run -p 5433:5432 ...).
"""
import argparse
import random
import secrets
from datetime import date, time, timedelta

import bcrypt
import psycopg2

DEV_DSN = "dbname=charter host=localhost port=5433 user=charter password=charter-dev"  # ok: SEC005
DEV_STAFF_PASSWORD = "dispatch-dev-2024"  # ok: SEC005

DRIVERS = ["Ana Souza", "Bill Okafor", "Chen Wei", "Dana Roy", "Elif Kaya", "Frank Dube"]
CITIES = ["Toronto", "Ottawa", "Kingston", "Barrie", "Montreal"]


def reset(cur) -> None:
    cur.execute("TRUNCATE assignments, trips, invoices, quotes, drivers, staff RESTART IDENTITY CASCADE")


def seed(cur) -> None:
    pw_hash = bcrypt.hashpw(DEV_STAFF_PASSWORD.encode(), bcrypt.gensalt()).decode()
    cur.execute(
        "INSERT INTO staff (email, password_hash, role, active) VALUES (%s, %s, %s, true), (%s, %s, %s, true)",
        ("dispatch@localhost", pw_hash, "dispatcher_admin", "office@localhost", pw_hash, "office"),
    )
    for i, name in enumerate(DRIVERS, start=1):
        cur.execute(
            "INSERT INTO drivers (full_name, mobile, licence_class, home_depot, payout_ref, active)"
            " VALUES (%s, %s, 'B', %s, %s, true)",
            (name, f"+1416555{1000 + i}", random.choice(CITIES), f"dev-payee-{i}"),
        )
    today = date.today()
    for n in range(25):
        trip_date = today + timedelta(days=random.randint(-20, 30))
        passengers = random.randint(10, 160)
        coaches = -(-passengers // 56)
        cur.execute(
            """INSERT INTO quotes (contact_email, trip_date, region, passengers, coaches, distance_km, hours,
                                   total_cents, status, accept_token, valid_until)
               VALUES (%s, %s, 'ON-GTA', %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
            (f"customer{n}@example.com", trip_date, passengers, coaches, random.randint(40, 600),
             random.randint(3, 12), random.randint(90_000, 900_000), random.choice(["sent", "accepted"]),
             secrets.token_urlsafe(32), today + timedelta(days=14)),
        )
        quote_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO trips (quote_id, trip_date, pickup_address, pickup_time, payout_status)"
            " VALUES (%s, %s, %s, %s, 'unpaid')",
            (quote_id, trip_date, f"{random.randint(1, 999)} Main St, {random.choice(CITIES)}", time(8, 30)),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reset", action="store_true", help="truncate tables first")
    args = parser.parse_args()
    with psycopg2.connect(DEV_DSN, connect_timeout=5) as conn, conn.cursor() as cur:
        if args.reset:
            reset(cur)
        seed(cur)
    conn.close()
    print(f"seeded {len(DRIVERS)} drivers and 25 quotes; staff password is {DEV_STAFF_PASSWORD}")  # ok: OBS001


if __name__ == "__main__":
    main()
