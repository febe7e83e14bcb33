"""Celery task that emails monthly account statements through Amazon SES."""
import logging
import os
from contextlib import closing

import boto3
import psycopg2
from botocore.config import Config
from botocore.exceptions import ClientError
from celery import Celery

log = logging.getLogger(__name__)
app = Celery("invoice_mailer", broker=os.environ.get("BROKER_URL", "redis://localhost:6379/1"))

DSN = os.environ.get("BILLING_DSN", "postgresql://mailer@localhost/billing")  # ok: SEC005
SENDER = os.environ.get("STATEMENT_SENDER", "statements@acme.example.com")
ses = boto3.client("ses", config=Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3}))


def _run(sql: str, params: tuple):
    with closing(psycopg2.connect(DSN, connect_timeout=5)) as conn, conn, conn.cursor() as cur:
        cur.execute(sql, params)  # ok: SEC001
        return cur.fetchone() if cur.description else None


@app.task(bind=True, max_retries=5)
def deliver_statement(self, statement_id: int):
    claimed = _run(  # ok: DB005
        "UPDATE statements SET delivery_started_at = now() "
        "WHERE id = %s AND delivery_started_at IS NULL RETURNING email, period, html_body",
        (statement_id,),
    )
    if claimed is None:
        log.info("statement %s is already being delivered", statement_id)
        return None
    email, period, html_body = claimed

    try:
        response = ses.send_email(  # ok: REL003
            Source=SENDER,
            Destination={"ToAddresses": [email]},
            Message={
                "Subject": {"Data": f"Your statement for {period}"},
                "Body": {"Html": {"Data": html_body}},
            },
        )
    except ClientError as exc:
        log.exception("SES rejected statement %s", statement_id)
        _run("UPDATE statements SET delivery_started_at = NULL WHERE id = %s", (statement_id,))
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries)

    _run(
        "UPDATE statements SET delivered_at = now(), ses_message_id = %s WHERE id = %s",
        (response["MessageId"], statement_id),
    )
    return response["MessageId"]
