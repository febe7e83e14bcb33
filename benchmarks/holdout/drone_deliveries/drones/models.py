"""Database models for accounts, drones, deliveries, telemetry and airspace."""
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Account(db.Model):
    __tablename__ = "accounts"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    salt = db.Column(db.String(32), nullable=False)
    password_hash = db.Column(db.String(128), nullable=False)
    role = db.Column(db.String(20), nullable=False)  # customer | operator | dispatcher
    display_name = db.Column(db.String(120))
    active = db.Column(db.Boolean, default=True, nullable=False)


class Drone(db.Model):
    __tablename__ = "drones"
    id = db.Column(db.Integer, primary_key=True)
    serial = db.Column(db.String(40), unique=True, nullable=False)
    status = db.Column(db.String(20), default="idle", nullable=False, index=True)
    battery_pct = db.Column(db.Integer, default=100, nullable=False)
    payload_capacity_kg = db.Column(db.Float, nullable=False)
    home_lat = db.Column(db.Float, nullable=False)
    home_lon = db.Column(db.Float, nullable=False)
    last_seen_at = db.Column(db.DateTime(timezone=True))

    def to_dict(self) -> dict:
        return {"id": self.id, "serial": self.serial, "status": self.status, "battery_pct": self.battery_pct}


class DeliveryRequest(db.Model):
    __tablename__ = "delivery_requests"
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("accounts.id"), nullable=False, index=True)
    drone_id = db.Column(db.Integer, db.ForeignKey("drones.id"), index=True)
    status = db.Column(db.String(20), default="pending", nullable=False, index=True)
    pickup_lat = db.Column(db.Float, nullable=False)
    pickup_lon = db.Column(db.Float, nullable=False)
    dropoff_lat = db.Column(db.Float, nullable=False)
    dropoff_lon = db.Column(db.Float, nullable=False)
    address = db.Column(db.String(300), nullable=False)
    recipient_phone = db.Column(db.String(32), nullable=False)
    payload_kg = db.Column(db.Float, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False, index=True)

    drone = db.relationship("Drone", lazy="joined")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "drone_id": self.drone_id,
            "address": self.address,
            "payload_kg": self.payload_kg,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


class TelemetryPoint(db.Model):
    __tablename__ = "telemetry_points"
    id = db.Column(db.BigInteger, primary_key=True)
    drone_id = db.Column(db.Integer, db.ForeignKey("drones.id"), nullable=False)
    recorded_at = db.Column(db.DateTime(timezone=True), nullable=False)
    lat = db.Column(db.Float, nullable=False)
    lon = db.Column(db.Float, nullable=False)
    alt_m = db.Column(db.Float, nullable=False)
    speed_mps = db.Column(db.Float)
    battery_pct = db.Column(db.Integer)

    __table_args__ = (db.Index("ix_telemetry_drone_time", "drone_id", "recorded_at"),)

    def to_dict(self) -> dict:
        return {"t": self.recorded_at.isoformat(), "lat": self.lat, "lon": self.lon, "alt": self.alt_m,
                "battery": self.battery_pct}


class NoFlyZone(db.Model):
    __tablename__ = "no_fly_zones"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    geojson = db.Column(db.Text, nullable=False)
    source = db.Column(db.String(40), nullable=False)
    created_by = db.Column(db.Integer, db.ForeignKey("accounts.id"))
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)


class OperatorNote(db.Model):
    __tablename__ = "operator_notes"
    id = db.Column(db.Integer, primary_key=True)
    drone_id = db.Column(db.Integer, db.ForeignKey("drones.id"), nullable=False, index=True)
    author_name = db.Column(db.String(120), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, index=True)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    id = db.Column(db.BigInteger, primary_key=True)
    kind = db.Column(db.String(40), nullable=False)
    payload = db.Column(db.JSON, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)
    sent_at = db.Column(db.DateTime(timezone=True), index=True)
