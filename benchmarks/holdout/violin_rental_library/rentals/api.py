"""Guardian-facing rental endpoints: browse instruments, rent, return, swap size."""
from __future__ import annotations

import logging

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from rentals.models import CreditAccount, Instrument, Rental, Student
from rentals.schemas import InstrumentOut, RentalIn, RentalOut, ReturnIn, SwapIn
from rentals.services import NoInstrumentAvailable, close_rental, swap_size

logger = logging.getLogger(__name__)

router = Router(tags=["rentals"])


@router.get("/instruments", response=list[InstrumentOut])
@paginate(PageNumberPagination, page_size=25)
def list_instruments(request, family: str = "violin", size: str | None = None):
    qs = Instrument.objects.filter(family=family, status=Instrument.Status.AVAILABLE)
    if size:
        qs = qs.filter(size=size)
    return qs.order_by("size", "condition_grade", "id")


@router.get("/rentals", response=list[RentalOut])
@paginate(PageNumberPagination, page_size=20)
def my_rentals(request):
    return (
        Rental.objects.filter(student__guardian__user=request.user)
        .select_related("instrument", "credit")
        .order_by("-started_on")
    )


@router.post("/rentals", response={201: RentalOut})
def start_rental(request, payload: RentalIn):
    student = get_object_or_404(Student, pk=payload.student_id, guardian__user=request.user)  # ok: SEC018
    instrument = Instrument.objects.filter(pk=payload.instrument_id).first()
    if instrument is None or instrument.status != Instrument.Status.AVAILABLE:  # expect: DB005
        raise HttpError(409, "That instrument has just been rented by someone else")

    with transaction.atomic():
        rental = Rental.objects.create(
            student=student,
            instrument=instrument,
            term=payload.term,
            due_back_on=payload.due_back_on,
            monthly_rate_pence=instrument.monthly_rate_pence,
            rent_to_own=payload.rent_to_own,
        )
        instrument.status = Instrument.Status.ON_LOAN
        instrument.save(update_fields=["status"])
        if payload.rent_to_own:
            CreditAccount.objects.create(rental=rental)
    logger.info("rental %s started by user %s", rental.pk, request.user.pk)
    return 201, rental


@router.get("/rentals/{rental_id}", response=RentalOut)
def get_rental(request, rental_id: int):
    return get_object_or_404(Rental.objects.select_related("instrument", "credit"), pk=rental_id)  # expect: SEC018


@router.post("/rentals/{rental_id}/return", response=RentalOut)
def return_rental(request, rental_id: int, payload: ReturnIn):
    rental = get_object_or_404(Rental, pk=rental_id, student__guardian__user=request.user)
    closed = close_rental(rental.pk, condition_grade=payload.condition_grade)
    logger.info("rental %s returned by user %s", rental_id, request.user.pk)
    return closed


@router.post("/rentals/{rental_id}/swap", response={201: RentalOut})
def swap_rental_size(request, rental_id: int, payload: SwapIn):
    rental = get_object_or_404(Rental, pk=rental_id, student__guardian__user=request.user)
    try:
        new_rental = swap_size(rental.pk, new_size=payload.size)
    except NoInstrumentAvailable as exc:
        raise HttpError(409, str(exc)) from exc
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, new_rental
