"""Seed a local database with a demo contractor, two gangs, farms and a week of tallies.

Usage: python scripts/seed_demo_data.py postgresql://shearing@localhost:5432/shearing
Never point this at production: it creates a known login.
"""
import random
import sys
from contextlib import closing
from datetime import date, timedelta

import psycopg2
from werkzeug.security import generate_password_hash

DEMO_EMAIL = "office@demo-shearing.example.nz"
DEMO_PASSWORD = "shear-demo-1"  # ok: SEC005

FARMS = [("Glenmore Station", "Mackenzie"), ("Tussock Downs", "Otago"), ("Kowhai Flats", "Canterbury")]
SHEARERS = ["Aroha", "Billy", "Cam", "Dee", "Eru", "Fiona", "Hemi", "Jo"]


def seed(dsn: str) -> None:
    with closing(psycopg2.connect(dsn, connect_timeout=5)) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO contractors (name) VALUES ('Demo Shearing Ltd') RETURNING id")
        contractor_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO users (email, password_hash, role, contractor_id, active) VALUES (%s, %s, 'office_admin', %s, true)",
            (DEMO_EMAIL, generate_password_hash(DEMO_PASSWORD), contractor_id),
        )

        gang_ids = []
        for name in ("Top Gang", "Back Country Gang"):
            cur.execute(
                "INSERT INTO gangs (contractor_id, name, daily_head_capacity) VALUES (%s, %s, 1800) RETURNING id",
                (contractor_id, name),
            )
            gang_ids.append(cur.fetchone()[0])

        for farm, region in FARMS:
            cur.execute(
                "INSERT INTO farms (contractor_id, name, region, email) VALUES (%s, %s, %s, %s)",
                (contractor_id, farm, region, f"{farm.split()[0].lower()}@farms.example.nz"),
            )

        shearer_ids = []
        for i, name in enumerate(SHEARERS):
            cur.execute(
                "INSERT INTO shearers (contractor_id, gang_id, name) VALUES (%s, %s, %s) RETURNING id",
                (contractor_id, gang_ids[i % 2], name),
            )
            shearer_ids.append(cur.fetchone()[0])

        start = date.today() - timedelta(days=7)
        rows = [
            (sid, start + timedelta(days=d), random.choice(["ewe", "lamb", "hogget"]), random.randint(150, 320))  # ok: SEC010
            for sid in shearer_ids
            for d in range(5)
        ]
        cur.executemany(
            "INSERT INTO tallies (shearer_id, run_date, sheep_class, head_count) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            rows,
        )
        conn.commit()
    print(f"seeded contractor {contractor_id}: {len(gang_ids)} gangs, {len(shearer_ids)} shearers")  # ok: OBS001
    print(f"log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")  # ok: SEC007


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    seed(sys.argv[1])
