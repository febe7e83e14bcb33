"""Table definitions (SQLAlchemy Core) and the engine for the signing database."""
from flask import current_app
from sqlalchemy import (
    JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, create_engine, func,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.engine import Engine

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, nullable=False, index=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("password_salt", String(64), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)

documents = Table(
    "documents",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("org_id", Integer, nullable=False),
    Column("owner_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("storage_key", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("status", String(20), nullable=False, default="draft"),
    Column("pending_signers", Integer, nullable=False, default=0),
    Column("expires_at", DateTime(timezone=True)),
    Column("signed_key", String(500)),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
    Index("ix_documents_org_created", "org_id", "created_at"),
    Index("ix_documents_status_expires", "status", "expires_at"),
)

signers = Table(
    "signers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("status", String(20), nullable=False, default="pending"),
    Column("signature_svg", Text),
    Column("signed_ip", String(45)),
    Column("invited_at", DateTime(timezone=True), server_default=func.now()),
    Column("signed_at", DateTime(timezone=True)),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("endpoint_id", ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), server_default=func.now()),
    Column("delivered_at", DateTime(timezone=True)),
    Index("ix_outbox_pending", "delivered_at", "next_attempt_at"),
)


def make_engine(url: str, pool_size: int = 10) -> Engine:
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=5,
        pool_timeout=5,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "options": "-c statement_timeout=15000"},
    )


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]
