"""Monthly contract invoices: one invoice per council for completed, uninvoiced runs."""

from __future__ import annotations

import logging
from calendar import monthrange
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal

from dispatch.clients.council_portal import CouncilPortalClient
from dispatch.config import Settings
from dispatch.models import Council, ContractInvoice, RouteRun

logger = logging.getLogger(__name__)

PENNY = Decimal("0.01")


def _previous_month(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


async def _line_for_run(run: RouteRun) -> dict:
    route = await run.route
    council = await route.council
    distance = route.length_km * council.rate_per_km
    salt = run.salt_used_tonnes * council.rate_per_tonne
    return {
        "run_id": run.id,
        "route": route.code,
        "completed_at": run.completed_at.isoformat(),
        "km": str(route.length_km),
        "salt_tonnes": str(run.salt_used_tonnes),
        "amount": str((distance + salt).quantize(PENNY, rounding=ROUND_HALF_UP)),
    }


async def run_monthly_invoicing(settings: Settings, today: date | None = None) -> int:
    """Create and submit last month's invoices; returns how many were sent."""
    period_start, period_end = _previous_month(today)
    window_start = datetime.combine(period_start, time.min, tzinfo=timezone.utc)
    window_end = datetime.combine(period_end, time.max, tzinfo=timezone.utc)
    sent = 0

    async with CouncilPortalClient(
        settings.council_portal_url, settings.council_portal_token, settings.http_timeout_seconds
    ) as portal:
        for council in await Council.all():
            runs = await RouteRun.filter(
                route__council_id=council.id,
                status="completed",
                invoiced=False,
                completed_at__gte=window_start,
                completed_at__lte=window_end,
            ).order_by("completed_at")
            if not runs:
                continue

            lines = []
            for run in runs:
                lines.append(await _line_for_run(run))  # expect: DB001
            total = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))

            invoice = await ContractInvoice.create(
                council_id=council.id,
                period_start=period_start,
                period_end=period_end,
                total=total,
                status="draft",
            )
            payload = {
                "contract_ref": council.contract_ref,
                "period_start": period_start.isoformat(),
                "period_end": period_end.isoformat(),
                "total": str(total),
                "lines": lines,
            }
            try:
                receipt = await portal.submit_invoice(payload, idempotency_key=f"invoice-{invoice.id}")
            except Exception as exc:
                logger.error("portal rejected invoice %s for council %s: %s", invoice.id, council.id, exc)  # expect: OBS002
                continue

            invoice.status = "sent"
            invoice.portal_reference = receipt.get("reference")
            await invoice.save(update_fields=["status", "portal_reference"])
            await RouteRun.filter(id__in=[run.id for run in runs]).update(invoiced=True)
            sent += 1
    return sent
