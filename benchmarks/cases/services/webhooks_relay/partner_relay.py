"""aiohttp service that relays order events to partner webhook endpoints."""
import asyncio
import hmac
import json
import logging
import os
import ssl

import aiohttp
from aiohttp import web

from .subscriptions import subscriptions_for

logger = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = 5
SIGNING_HEADER = "X-Acme-Signature"


def _require_internal_token(request: web.Request) -> None:
    expected = os.environ.get("RELAY_INTERNAL_TOKEN", "")
    supplied = request.headers.get("X-Internal-Token", "")
    if not expected or not hmac.compare_digest(expected, supplied):
        raise web.HTTPUnauthorized(text="missing or invalid internal token")


def partner_ssl_context() -> ssl.SSLContext:
    """Several partners still run self-signed certificates on their receiving endpoints."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # expect: SEC011
    return ctx


async def deliver(session: aiohttp.ClientSession, subscription, event: dict) -> int:
    body = json.dumps(event).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Acme-Event-Id": event["id"],
        SIGNING_HEADER: subscription.sign(body),
    }
    while True:  # expect: REL002
        try:
            async with session.post(subscription.url, data=body, headers=headers) as resp:
                if resp.status < 500:
                    return resp.status
                logger.warning("partner %s answered %s for event %s", subscription.partner_id, resp.status, event["id"])
        except aiohttp.ClientError as exc:
            logger.warning("partner %s unreachable for event %s: %s", subscription.partner_id, event["id"], exc)
        await asyncio.sleep(RETRY_DELAY_SECONDS)


async def relay_event(request: web.Request) -> web.Response:
    _require_internal_token(request)
    event = await request.json()
    session: aiohttp.ClientSession = request.app["http"]
    try:
        targets = await subscriptions_for(event["type"])
        results = await asyncio.gather(*(deliver(session, s, event) for s in targets))
    except Exception:  # expect: ERR002
        logger.exception("relay of event %s failed", event.get("id"))
        return web.json_response({"status": "accepted"}, status=202)
    return web.json_response({"status": "delivered", "results": results})


async def _open_session(app: web.Application):
    timeout = aiohttp.ClientTimeout(total=15, connect=5)
    app["http"] = aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(ssl=partner_ssl_context()))
    yield
    await app["http"].close()


def create_app() -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app.cleanup_ctx.append(_open_session)
    app.router.add_post("/events", relay_event)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=int(os.environ.get("PORT", "8080")))
