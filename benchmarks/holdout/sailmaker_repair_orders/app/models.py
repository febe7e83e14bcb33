"""SQLModel tables for repair orders, quotes, sailcloth stock and pickups."""
from datetime import date, datetime, timezone
from enum import Enum
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OrderStatus(str, Enum):
    received = "received"
    quoted = "quoted"
    approved = "approved"
    in_workshop = "in_workshop"
    ready = "ready"
    collected = "collected"


class Customer(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True)
    name: str
    password_hash: str
    role: str = Field(default="customer")
    boat_name: Optional[str] = None


class RepairOrder(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    sail_type: str
    sail_area_m2: float
    damage_notes: str
    status: OrderStatus = Field(default=OrderStatus.received, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    due_date: Optional[date] = Field(default=None, index=True)
    quotes: list["Quote"] = Relationship(back_populates="order")


class Quote(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repairorder.id", index=True)
    labour_hours: float
    total_pence: int
    status: str = Field(default="sent")
    pdf_key: Optional[str] = None
    created_at: datetime = Field(default_factory=utcnow)
    order: Optional[RepairOrder] = Relationship(back_populates="quotes")
    lines: list["QuoteLine"] = Relationship(back_populates="quote")


class QuoteLine(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", index=True)
    description: str
    cloth_code: Optional[str] = None
    metres: float = 0
    hours: float = 0
    amount_pence: int
    quote: Optional[Quote] = Relationship(back_populates="lines")


class SailclothRoll(SQLModel, table=True):
    __table_args__ = (CheckConstraint("metres_remaining >= 0", name="roll_not_negative"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    cloth_code: str = Field(index=True)
    description: str
    weight_oz: float
    width_cm: int
    metres_remaining: float
    supplier_sku: Optional[str] = Field(default=None, index=True)
    price_per_metre_pence: int = 0


class ClothMovement(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    roll_id: int = Field(foreign_key="sailclothroll.id", index=True)
    order_id: Optional[int] = Field(default=None, foreign_key="repairorder.id", index=True)
    metres: float
    note: str = ""
    created_by: int = Field(foreign_key="customer.id")
    created_at: datetime = Field(default_factory=utcnow, index=True)


class DamagePhoto(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repairorder.id", index=True)
    s3_key: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime = Field(default_factory=utcnow)


class Deposit(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repairorder.id", index=True, unique=True)
    amount_pence: int
    provider_payment_id: Optional[str] = Field(default=None, index=True)
    status: str = Field(default="pending")
    created_at: datetime = Field(default_factory=utcnow)


class WorkshopAllocation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("order_id", "work_date", name="one_allocation_per_day"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repairorder.id", index=True)
    work_date: date = Field(index=True)
    hours: float


class Pickup(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repairorder.id", index=True)
    yard_id: str = Field(index=True)
    slot_start: datetime = Field(index=True)
    yard_booking_ref: Optional[str] = None


class ProcessedWebhook(SQLModel, table=True):
    event_id: str = Field(primary_key=True)
    received_at: datetime = Field(default_factory=utcnow)
