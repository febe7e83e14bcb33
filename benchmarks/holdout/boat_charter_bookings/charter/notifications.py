"""Transactional e-mail through SES, sent from a durable RQ queue with per-message dedupe."""
import functools
import hashlib
import json
import logging
import os

import boto3
import psycopg
from botocore.config import Config as BotoConfig
from flask import current_app
from psycopg.rows import dict_row
from redis import Redis
from rq import Queue, Retry


logger = logging.getLogger(__name__)

TEMPLATES = {
    "booking_confirmed": ("Your charter is confirmed", "See you on {starts_at} aboard {boat_name}."),
    "booking_cancelled": ("Your charter was cancelled", "Booking {booking_id} is cancelled. Refund: ${refund}."),
    "password_reset": ("Reset your password", "Use this link within an hour: {link}"),
}


@functools.lru_cache(maxsize=4)
def _ses_client(region):
    return boto3.client(
        "ses",
        region_name=region,
        config=BotoConfig(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3}),  # ok: REL001
    )


@functools.lru_cache(maxsize=2)
def _redis(url):
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)


def _queue():
    return Queue("mail", connection=_redis(current_app.config["REDIS_URL"]))


def enqueue_email(user_id, kind, context, dedupe_key=None):
    """Persist the job in Redis before returning; the worker survives web restarts."""
    digest = hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()[:32]
    key = dedupe_key or f"{kind}:{user_id}:{digest}"
    _queue().enqueue(  # ok: REL005
        send_email, user_id, kind, context, key,
        current_app.config["AWS_REGION"], current_app.config["MAIL_FROM"],
        retry=Retry(max=3, interval=[30, 120, 600]),
        job_timeout=60,
    )


def send_email(user_id, kind, context, dedupe_key, region, mail_from):
    """RQ job. The sent_emails row is claimed first so a retried job never mails twice."""
    subject, template = TEMPLATES[kind]
    dsn = os.environ.get("CHARTER_DATABASE_URL", "postgresql://charter@localhost:5432/charter")
    with psycopg.connect(dsn, connect_timeout=5, row_factory=dict_row) as conn:
        claimed = conn.execute(
            "INSERT INTO sent_emails (dedupe_key, user_id, kind) VALUES (%s, %s, %s) "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
            (dedupe_key, user_id, kind),
        ).fetchone()
        if claimed is None:
            logger.info("email already sent key=%s", dedupe_key)
            return None
        user = conn.execute("SELECT email FROM users WHERE id = %s", (user_id,)).fetchone()
        try:
            resp = _ses_client(region).send_email(  # ok: REL003
                Source=mail_from,
                Destination={"ToAddresses": [user["email"]]},
                Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": template.format(**context)}}},
            )
        except Exception:
            conn.rollback()
            logger.exception("ses send failed user=%s kind=%s", user_id, kind)
            raise
        conn.execute("UPDATE sent_emails SET provider_id = %s WHERE id = %s", (resp["MessageId"], claimed["id"]))
        conn.commit()
    logger.info("email sent user=%s kind=%s message=%s", user_id, kind, resp["MessageId"])
    return resp["MessageId"]
