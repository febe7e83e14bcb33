"""Nightly occupancy report to the park authority.

Run by the scheduler each morning at 06:00 for the night just past:
``python -m hut.reports.occupancy``.
"""
import asyncio
import csv
import datetime
import io
import logging
from collections import Counter, defaultdict

import asyncpg

from ..clients.park_authority import ParkAuthorityClient
from ..config import Config
from ..services import mailer

logger = logging.getLogger(__name__)

CSV_HEADER = ["reservation_id", "party_size", "half_board", "nationalities"]


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([row["id"], row["party_size"], row["half_board"], ";".join(row["nationalities"])])
    return buffer.getvalue().encode("utf-8")


async def run_report(config: Config, night: datetime.date) -> int:
    conn = await asyncpg.connect(config.database_dsn, timeout=10, command_timeout=60)
    try:
        if await conn.fetchval("SELECT 1 FROM report_runs WHERE night = $1", night):
            logger.info("occupancy report already sent night=%s", night)
            return 0
        huts = {
            r["id"]: r
            for r in await conn.fetch("SELECT id, code, name, authority_email FROM huts WHERE reports_to_authority")
        }
        stays = await conn.fetch(
            "SELECT id, hut_id, party_size, half_board FROM reservations "
            "WHERE night = $1 AND checked_in_at IS NOT NULL ORDER BY hut_id, id",
            night,
        )
        per_hut: dict[int, list[dict]] = defaultdict(list)
        for stay in stays:
            nationalities = await conn.fetch(  # expect: DB001
                "SELECT nationality FROM group_members WHERE reservation_id = $1", stay["id"]
            )
            per_hut[stay["hut_id"]].append(dict(stay, nationalities=[n["nationality"] for n in nationalities]))

        sent = 0
        async with ParkAuthorityClient(config.park_authority_url, config.park_authority_token) as authority:
            for hut_id, hut in huts.items():
                rows = per_hut.get(hut_id, [])
                guests = sum(r["party_size"] for r in rows)
                counts = Counter(n for r in rows for n in r["nationalities"])
                await authority.submit_overnight_stays(
                    hut_code=hut["code"], night=night, guests=guests, nationalities=dict(counts)
                )
                await mailer.send_with_attachment(  # expect: REL003
                    config,
                    to=hut["authority_email"],
                    subject=f"Nächtigungsmeldung {hut['name']} {night:%d.%m.%Y}",
                    text=f"{guests} overnight guests at {hut['name']} on {night:%d.%m.%Y}. Details attached.",
                    filename=f"{hut['code']}-{night:%Y%m%d}.csv",
                    data=_csv(rows),
                )
                sent += 1
        await conn.execute("INSERT INTO report_runs (night, huts_reported, sent_at) VALUES ($1, $2, now())", night, sent)
        return sent
    finally:
        await conn.close()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    night = datetime.date.today() - datetime.timedelta(days=1)
    sent = asyncio.run(run_report(Config.from_env(), night))
    print(f"occupancy report for {night}: {sent} huts reported")  # ok: OBS001


if __name__ == "__main__":
    main()
