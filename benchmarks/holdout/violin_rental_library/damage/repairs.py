"""Workshop endpoints: repair tickets, ticket photos and the luthier's status callbacks."""
from __future__ import annotations

import logging
import secrets
import uuid

from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import get_object_or_404
from huey.contrib.djhuey import db_task
from ninja import File, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from accounts.auth import PartnerKeyAuth, require_workshop
from luthier.client import LuthierClient
from rentals.models import DamagePhoto, DamageReport, Instrument, RepairTicket
from rentals.schemas import LuthierStatusIn, TicketIn, TicketOut

logger = logging.getLogger(__name__)

router = Router(tags=["workshop"])

MAX_PHOTO_BYTES = 8 * 1024 * 1024
IMAGE_SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", ".jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png")}


@db_task(retries=3, retry_delay=90)
def send_ticket_to_luthier(ticket_id: int) -> None:
    ticket = RepairTicket.objects.select_related("instrument").get(pk=ticket_id)
    ref = LuthierClient.from_settings().open_assessment(
        serial_number=ticket.instrument.serial_number,
        description=f"Workshop ticket {ticket.reference}",
        severity="playable",
        external_ref=ticket.reference,  # ok: REL003
    )
    RepairTicket.objects.filter(pk=ticket_id).update(luthier_ref=ref)


@router.post("/damage/{report_id}/ticket", response={201: TicketOut})
def open_ticket(request, report_id: int, payload: TicketIn):
    require_workshop(request)
    with transaction.atomic():
        report = DamageReport.objects.select_for_update().select_related("rental").get(pk=report_id)
        if report.repair_ticket_id is not None:  # ok: DB005
            raise HttpError(409, "This report already has a repair ticket")
        ticket = RepairTicket.objects.create(
            reference=f"RT-{secrets.token_hex(4).upper()}",
            instrument_id=report.rental.instrument_id,
        )
        report.repair_ticket = ticket
        report.status = "in_repair"
        report.save(update_fields=["repair_ticket", "status"])
        Instrument.objects.filter(pk=ticket.instrument_id).update(status=Instrument.Status.IN_REPAIR)
        transaction.on_commit(lambda: send_ticket_to_luthier(ticket.pk))  # ok: REL005, CON003
    logger.info("repair ticket %s opened for damage report %s", ticket.reference, report_id)
    return 201, ticket


@router.post("/tickets/{ticket_id}/photos", response={201: dict})
def attach_photo(request, ticket_id: int, photo: UploadedFile = File(...)):
    require_workshop(request)
    ticket = get_object_or_404(RepairTicket, pk=ticket_id)
    if photo.size > MAX_PHOTO_BYTES:  # ok: SEC019
        raise HttpError(413, "Photos are limited to 8 MB")
    head = photo.read(8)
    match = next((v for sig, v in IMAGE_SIGNATURES.items() if head.startswith(sig)), None)
    if match is None:
        raise HttpError(415, "Only JPEG and PNG photos are accepted")
    photo.seek(0)
    content_type, extension = match
    name = default_storage.save(f"tickets/{ticket.pk}/{uuid.uuid4().hex}{extension}", photo)
    DamagePhoto.objects.create(ticket=ticket, storage_name=name, content_type=content_type)
    return 201, {"name": name}


@router.get("/tickets", response=list[TicketOut])
@paginate(PageNumberPagination, page_size=50)
def list_tickets(request, status: str = "open"):
    require_workshop(request)
    return RepairTicket.objects.filter(status=status).order_by("-opened_at")


@router.post("/luthier/status", auth=PartnerKeyAuth(), response={204: None})
def luthier_status(request, payload: LuthierStatusIn):
    updated = RepairTicket.objects.filter(reference=payload.ticket_reference).update(
        status=payload.status, estimate_pence=payload.estimate_pence
    )
    if not updated:
        raise HttpError(404, "Unknown ticket reference")
    return 204, None
