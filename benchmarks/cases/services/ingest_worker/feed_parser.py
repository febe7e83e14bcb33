"""Downloads supplier price lists concurrently and parses them into price updates."""
import asyncio
import logging
import os
from pathlib import Path

import aiohttp
import yaml
from lxml import etree

logger = logging.getLogger(__name__)

PRICE_LISTS_CONFIG = os.environ.get("PRICE_LISTS_CONFIG", "/etc/ingest/price_lists.yaml")
ARCHIVE_DIR = Path(os.environ.get("PRICE_ARCHIVE_DIR", "/var/lib/ingest/price-lists"))


def load_sources(path: str = PRICE_LISTS_CONFIG) -> list[dict]:
    with open(path) as fh:
        return yaml.safe_load(fh)["sources"]  # ok: SEC004


def parse_price_list(body: bytes) -> list[dict]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(body, parser=parser)
    return [
        {"sku": item.findtext("sku"), "price_cents": int(item.findtext("price_cents"))}
        for item in root.iterfind("item")
    ]


async def download(session: aiohttp.ClientSession, source: dict) -> bytes:
    auth = aiohttp.BasicAuth(source["user"], os.environ.get(source["password_env"], ""))
    async with session.get(source["url"], auth=auth) as resp:  # ok: REL001
        resp.raise_for_status()
        return await resp.read()


async def collect_prices() -> list[dict]:
    sources = load_sources()
    timeout = aiohttp.ClientTimeout(total=90, connect=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        bodies = await asyncio.gather(*(download(session, s) for s in sources), return_exceptions=True)
    updates = []
    for source, body in zip(sources, bodies):
        if isinstance(body, BaseException):
            logger.error("price list %s failed", source["name"], exc_info=body)
            continue
        await asyncio.to_thread((ARCHIVE_DIR / f"{source['name']}.xml").write_bytes, body)  # ok: CON001
        updates.extend(await asyncio.to_thread(parse_price_list, body))
    logger.info("collected %s price updates from %s sources", len(updates), len(sources))
    return updates


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(collect_prices())
