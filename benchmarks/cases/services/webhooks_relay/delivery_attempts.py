"""aiohttp service that redelivers failed partner webhooks from the dead-letter table."""
import asyncio
import hmac
import json
import logging
import os
import ssl

import aiohttp
from aiohttp import web

from .dead_letters import mark_delivered, mark_failed, pending_dead_letters

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 1.0
CA_BUNDLE = os.environ.get("PARTNER_CA_BUNDLE")


def _require_internal_token(request: web.Request) -> None:
    expected = os.environ.get("RELAY_INTERNAL_TOKEN", "")
    supplied = request.headers.get("X-Internal-Token", "")
    if not expected or not hmac.compare_digest(expected, supplied):
        raise web.HTTPUnauthorized(text="missing or invalid internal token")


def partner_ssl_context() -> ssl.SSLContext:
    """Partners with a private CA are trusted through the bundle in PARTNER_CA_BUNDLE."""
    return ssl.create_default_context(cafile=CA_BUNDLE)  # ok: SEC011


async def redeliver(session: aiohttp.ClientSession, letter) -> bool:
    body = json.dumps(letter.event).encode()
    headers = {"Content-Type": "application/json", "X-Acme-Event-Id": letter.event_id, "X-Acme-Signature": letter.signature}
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            async with session.post(letter.url, data=body, headers=headers) as resp:  # ok: REL003
                if resp.status < 500:
                    return resp.status < 400
        except aiohttp.ClientError as exc:
            logger.warning("redelivery %s attempt %s failed: %s", letter.id, attempt, exc)
        await asyncio.sleep(BASE_DELAY_SECONDS * 2 ** attempt)
    return False


async def redeliver_batch(request: web.Request) -> web.Response:
    _require_internal_token(request)
    session: aiohttp.ClientSession = request.app["http"]
    letters = await pending_dead_letters(limit=100)
    try:
        outcomes = await asyncio.gather(*(redeliver(session, letter) for letter in letters))
    except Exception:  # ok: ERR002
        logger.exception("redelivery batch failed")
        return web.json_response({"status": "error"}, status=500)
    for letter, delivered in zip(letters, outcomes):
        await (mark_delivered(letter.id) if delivered else mark_failed(letter.id))
    return web.json_response({"attempted": len(letters), "delivered": sum(outcomes)})


async def _open_session(app: web.Application):
    timeout = aiohttp.ClientTimeout(total=15, connect=5)
    app["http"] = aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(ssl=partner_ssl_context()))
    yield
    await app["http"].close()


def create_app() -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app.cleanup_ctx.append(_open_session)
    app.router.add_post("/dead-letters/redeliver", redeliver_batch)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=int(os.environ.get("PORT", "8081")))
