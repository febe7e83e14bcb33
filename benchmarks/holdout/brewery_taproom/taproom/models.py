from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, func, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taproom.db import Base


class Patron(Base):
    __tablename__ = "patrons"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)


class AgeVerification(Base):
    __tablename__ = "age_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"), index=True)
    provider_ref: Mapped[str] = mapped_column(String(64), unique=True)
    date_of_birth: Mapped[date] = mapped_column(Date)
    approved: Mapped[bool]
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Beer(Base):
    __tablename__ = "beers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    pint_price_cents: Mapped[int]
    par_kegs: Mapped[int] = mapped_column(default=2)


class Keg(Base):
    __tablename__ = "kegs"
    __table_args__ = (CheckConstraint("remaining_ml >= 0", name="ck_keg_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    beer_id: Mapped[int] = mapped_column(ForeignKey("beers.id"), index=True)
    tap_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default="in_cellar")  # in_cellar | on_tap | empty
    remaining_ml: Mapped[int]

    beer: Mapped[Beer] = relationship()


class Tab(Base):
    __tablename__ = "tabs"
    __table_args__ = (
        Index("uq_one_open_tab_per_patron", "patron_id", unique=True,
              postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"))
    card_token: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TabLine(Base):
    __tablename__ = "tab_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    tab_id: Mapped[int] = mapped_column(ForeignKey("tabs.id"), index=True)
    beer_id: Mapped[int] = mapped_column(ForeignKey("beers.id"))
    size: Mapped[str] = mapped_column(String(8))
    price_cents: Mapped[int]
    poured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)


class LoyaltyCard(Base):
    __tablename__ = "loyalty_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"), unique=True)
    stamp_count: Mapped[int] = mapped_column(default=0)


class Stamp(Base):
    __tablename__ = "stamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("loyalty_cards.id"), index=True)
    tab_id: Mapped[int] = mapped_column(ForeignKey("tabs.id"), unique=True)


class Reward(Base):
    __tablename__ = "rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("loyalty_cards.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    api_base: Mapped[str] = mapped_column(String(255))
    account_no: Mapped[str] = mapped_column(String(32))


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    external_ref: Mapped[str | None] = mapped_column(String(64))
    lines: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
