"""Sponsor prize payouts, released by an organiser once results are final."""
import asyncio
import logging

import requests
from aiohttp import web

from judging.db import json_error
from judging.middleware import require_role

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


def _send_transfer(settings, prize, account):
    resp = requests.post(  # expect: REL001
        f"{settings.payout_api_url}/transfers",
        json={
            "amount": prize["amount_cents"],
            "currency": prize["currency"],
            "iban": account["iban"],
            "name": account["holder_name"],
            "reference": f"HackWeek prize {prize['id']}",
        },
        headers={"Authorization": f"Bearer {settings.payout_api_token}"},
    )
    resp.raise_for_status()
    return resp.json()["transfer_id"]


async def _email_winners(app, team_id, amount_cents, currency):
    async with app["db"].acquire() as conn:
        rows = await conn.fetch(
            "SELECT u.email FROM team_members tm JOIN users u ON u.id = tm.user_id WHERE tm.team_id = $1",
            team_id,
        )
    await asyncio.to_thread(
        app["ses"].send_email,
        Source=app["settings"].mail_sender,
        Destination={"ToAddresses": [r["email"] for r in rows]},
        Message={"Subject": {"Data": "Your HackWeek prize is on its way"},
                 "Body": {"Text": {"Data": f"{amount_cents / 100:.2f} {currency} has been sent."}}},
    )


@routes.post("/prizes/{prize_id}/release")
@require_role("organiser")
async def release_prize(request):
    prize_id = int(request.match_info["prize_id"])
    settings = request.app["settings"]
    async with request.app["db"].acquire() as conn:
        prize = await conn.fetchrow(
            "SELECT id, team_id, amount_cents, currency, status FROM prizes WHERE id = $1", prize_id
        )
        if prize is None:
            return json_error(404, "not_found")
        if prize["status"] != "approved":
            return json_error(409, "not_releasable", f"prize is {prize['status']}")
        account = await conn.fetchrow(
            "SELECT iban, holder_name FROM payout_accounts WHERE team_id = $1 AND verified", prize["team_id"]
        )
    if account is None:
        return json_error(409, "no_verified_account")

    transfer_id = None
    for attempt in range(4):
        try:
            transfer_id = _send_transfer(settings, prize, account)  # expect: CON001, REL003, REL004
            break
        except requests.RequestException as exc:
            log.warning("payout attempt %d for prize %s failed: %s", attempt + 1, prize_id, exc)
            await asyncio.sleep(2 ** attempt)
    if transfer_id is None:
        return json_error(502, "payout_provider_unavailable")

    async with request.app["db"].acquire() as conn:
        await conn.execute(  # expect: DB005
            "UPDATE prizes SET status = 'paid', transfer_id = $1, paid_at = now() WHERE id = $2",
            transfer_id, prize_id,
        )
    asyncio.create_task(  # expect: REL005
        _email_winners(request.app, prize["team_id"], prize["amount_cents"], prize["currency"])
    )
    log.info("prize %s paid out, transfer %s", prize_id, transfer_id)
    return web.json_response({"prize_id": prize_id, "transfer_id": transfer_id})
