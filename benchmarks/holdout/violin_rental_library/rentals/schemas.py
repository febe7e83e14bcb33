"""Request and response schemas for the Ninja routers."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import ModelSchema, Schema
from pydantic import Field

from rentals.models import DamageReport, Instrument, Rental, RepairTicket

Size = Literal["1/16", "1/10", "1/8", "1/4", "1/2", "3/4", "7/8", "4/4"]


class ErrorOut(Schema):
    code: str
    message: str


class InstrumentOut(ModelSchema):
    class Meta:
        model = Instrument
        fields = ["id", "family", "size", "serial_number", "maker", "condition_grade", "monthly_rate_pence"]


class RentalIn(Schema):
    student_id: int
    instrument_id: int
    term: str = Field(pattern=r"^\d{4}-(autumn|spring|summer)$")
    due_back_on: date
    rent_to_own: bool = False


class SwapIn(Schema):
    size: Size


class RentalOut(ModelSchema):
    instrument: InstrumentOut
    credit_balance_pence: int | None = None

    class Meta:
        model = Rental
        fields = ["id", "student", "term", "started_on", "due_back_on", "returned_on", "rent_to_own"]

    @staticmethod
    def resolve_credit_balance_pence(obj: Rental) -> int | None:
        account = getattr(obj, "credit", None) if obj.rent_to_own else None
        return account.balance_pence if account else None


class ReturnIn(Schema):
    condition_grade: int = Field(ge=1, le=5)
    notes: str = Field(default="", max_length=2000)


class DamageIn(Schema):
    description: str = Field(min_length=10, max_length=4000)
    severity: Literal["cosmetic", "playable", "unplayable"]


class DamageOut(ModelSchema):
    class Meta:
        model = DamageReport
        fields = ["id", "rental", "description", "severity", "status", "created_at"]


class TicketIn(Schema):
    notes: str = Field(default="", max_length=2000)
    urgent: bool = False


class TicketOut(ModelSchema):
    class Meta:
        model = RepairTicket
        fields = ["id", "reference", "instrument", "status", "estimate_pence", "luthier_ref", "opened_at"]


class LuthierStatusIn(Schema):
    ticket_reference: str
    status: Literal["received", "assessed", "in_progress", "ready", "unrepairable"]
    estimate_pence: int | None = None
    updated_at: datetime


class SchoolTermRow(Schema):
    school: str
    active_rentals: int
    rent_to_own: int
    invoiced_pence: int
    paid_pence: int
