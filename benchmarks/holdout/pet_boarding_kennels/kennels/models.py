from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text

from kennels import db, login_manager


class Owner(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    full_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(16), nullable=False, default="owner")  # owner | staff | manager
    stripe_customer_id = db.Column(db.String(64))
    default_payment_method = db.Column(db.String(64))
    reset_token_hash = db.Column(db.String(64), index=True)
    reset_token_expires = db.Column(db.DateTime)

    pets = db.relationship("Pet", back_populates="owner")

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "manager")


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(Owner, int(user_id))


class Pet(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("owner.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False)
    species = db.Column(db.String(8), nullable=False)  # dog | cat
    size_class = db.Column(db.String(16), nullable=False)  # small | medium | large | cattery

    owner = db.relationship("Owner", back_populates="pets")
    vaccinations = db.relationship("VaccinationRecord", back_populates="pet")


class KennelBlock(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    size_class = db.Column(db.String(16), nullable=False, unique=True)
    capacity = db.Column(db.Integer, nullable=False)
    nightly_rate_cents = db.Column(db.Integer, nullable=False)


class Stay(db.Model):
    __table_args__ = (
        Index("ix_stay_block_dates", "block_id", "check_in", "check_out"),
        UniqueConstraint("owner_id", "request_key", name="uq_stay_owner_request_key"),
    )

    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("owner.id"), nullable=False, index=True)
    pet_id = db.Column(db.Integer, db.ForeignKey("pet.id"), nullable=False)
    block_id = db.Column(db.Integer, db.ForeignKey("kennel_block.id"), nullable=False)
    check_in = db.Column(db.Date, nullable=False)
    check_out = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending_deposit")
    total_cents = db.Column(db.Integer, nullable=False)
    deposit_cents = db.Column(db.Integer, nullable=False)
    extras_cents = db.Column(db.Integer, nullable=False, default=0)
    balance_paid_cents = db.Column(db.Integer, nullable=False, default=0)
    deposit_intent_id = db.Column(db.String(64))
    request_key = db.Column(db.String(64))

    owner = db.relationship("Owner")
    pet = db.relationship("Pet")
    block = db.relationship("KennelBlock")


class Payment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    stay_id = db.Column(db.Integer, db.ForeignKey("stay.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # deposit | balance | refund
    amount_cents = db.Column(db.Integer, nullable=False)
    stripe_id = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)


class VaccinationRecord(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    pet_id = db.Column(db.Integer, db.ForeignKey("pet.id"), nullable=False, index=True)
    original_name = db.Column(db.String(255))
    content_type = db.Column(db.String(64))
    storage_path = db.Column(db.String(512))
    s3_key = db.Column(db.String(512))
    expires_on = db.Column(db.Date, index=True)
    uploaded_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    pet = db.relationship("Pet", back_populates="vaccinations")


class PhotoUpdate(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    stay_id = db.Column(db.Integer, db.ForeignKey("stay.id"), nullable=False, index=True)
    s3_key = db.Column(db.String(512), nullable=False)
    caption = db.Column(db.String(280))
    taken_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)
    emailed_at = db.Column(db.DateTime)


class Shift(db.Model):
    __table_args__ = (
        UniqueConstraint("staff_id", "shift_date", "starts_at", name="uq_shift_slot"),
        CheckConstraint("ends_at > starts_at", name="ck_shift_order"),
    )

    id = db.Column(db.Integer, primary_key=True)
    staff_id = db.Column(db.Integer, db.ForeignKey("owner.id"), nullable=False, index=True)
    shift_date = db.Column(db.Date, nullable=False, default=date.today)
    starts_at = db.Column(db.Time, nullable=False)
    ends_at = db.Column(db.Time, nullable=False)
    duty = db.Column(db.String(32), nullable=False, default="kennel")


class ShiftSwap(db.Model):
    __table_args__ = (
        Index("uq_pending_swap_per_shift", "shift_id", unique=True,
              postgresql_where=text("status = 'pending'")),
    )

    id = db.Column(db.Integer, primary_key=True)
    shift_id = db.Column(db.Integer, db.ForeignKey("shift.id"), nullable=False)
    requested_by = db.Column(db.Integer, db.ForeignKey("owner.id"), nullable=False)
    cover_staff_id = db.Column(db.Integer, db.ForeignKey("owner.id"), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="pending")
