"""Seed rooms and a few weeks of slots into a local development database.

Usage:
    python scripts/seed_rooms.py --weeks 4
    python scripts/seed_rooms.py --database-url postgresql+asyncpg://... --weeks 2
"""
import argparse
import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.models import Base, Room, Slot

DEV_DATABASE_URL = "postgresql+asyncpg://escape:escape-dev@localhost:5432/escape_dev"  # ok: SEC005
VENUE_TZ = ZoneInfo("Europe/Dublin")
OPENING_TIMES = [time(10, 0), time(11, 30), time(13, 0), time(14, 30), time(16, 0),
                 time(17, 30), time(19, 0), time(20, 30)]

ROOMS = [
    {"slug": "pharaohs-tomb", "name": "The Pharaoh's Tomb", "min_players": 2, "max_players": 6,
     "price_per_player_cents": 2500},
    {"slug": "submarine-k13", "name": "Submarine K-13", "min_players": 3, "max_players": 8,
     "price_per_player_cents": 2800},
    {"slug": "asylum-ward-b", "name": "Asylum: Ward B", "min_players": 4, "max_players": 10,
     "price_per_player_cents": 3000},
]


async def seed(database_url: str, weeks: int, reset: bool) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        if reset:
            await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)

    session_factory = async_sessionmaker(engine, expire_on_commit=False)
    slots_added = 0
    async with session_factory() as session:
        for spec in ROOMS:
            room = await session.scalar(select(Room).where(Room.slug == spec["slug"]))  # ok: DB001
            if room is None:
                room = Room(**spec)
                session.add(room)
                await session.flush()
            for offset in range(weeks * 7):
                day = date.today() + timedelta(days=offset)
                for opening in OPENING_TIMES:
                    starts = datetime.combine(day, opening, tzinfo=VENUE_TZ)
                    session.add(Slot(room_id=room.id, starts_at=starts, status="open"))
                    slots_added += 1
        await session.commit()
    await engine.dispose()
    print(f"seeded {len(ROOMS)} rooms and {slots_added} slots into {database_url.rsplit('@', 1)[-1]}")  # ok: OBS001


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEV_DATABASE_URL)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--reset", action="store_true", help="drop and recreate all tables first")
    args = parser.parse_args()
    asyncio.run(seed(args.database_url, args.weeks, args.reset))


if __name__ == "__main__":
    main()
