"""Invoice issuing used by the nightly billing worker: sequence-numbered, PDF kept in S3 only."""
import io
import logging
from datetime import date

import boto3
from botocore.config import Config as BotoConfig
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from charter.db import Database

logger = logging.getLogger(__name__)

URL_TTL_SECONDS = 15 * 60


class InvoiceStore:
    def __init__(self, database: Database, bucket: str, region: str) -> None:
        self._db = database
        self._bucket = bucket
        self._s3 = boto3.client(
            "s3",
            region_name=region,
            config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"}),
        )

    @staticmethod
    def _render(number: str, quote: dict) -> io.BytesIO:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=letter)
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, 720, f"Maple Coach Lines - Invoice {number}")
        c.setFont("Helvetica", 11)
        c.drawString(72, 690, f"Bill to: {quote['contact_email']}")
        c.drawString(72, 672, f"Trip date: {quote['trip_date']:%B %d, %Y}   Coaches: {quote['coaches']}")
        c.drawString(72, 620, f"Charter total: ${quote['total_cents'] / 100:,.2f}")
        c.showPage()
        c.save()  # ok: SCL002
        buf.seek(0)
        return buf

    def issue(self, quote_id: int) -> str:
        """Issue (or return the existing) invoice number for an accepted quote."""
        year = date.today().year
        with self._db.connection() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT id, contact_email, trip_date, coaches, total_cents FROM quotes"
                " WHERE id = %s AND status = 'accepted' FOR UPDATE",
                (quote_id,),
            )
            quote = cur.fetchone()
            if quote is None:
                raise LookupError(f"quote {quote_id} is not accepted")
            cur.execute("SELECT number FROM invoices WHERE quote_id = %s", (quote_id,))
            existing = cur.fetchone()
            if existing:
                return existing["number"]

            cur.execute("SELECT nextval('invoice_seq') AS seq")  # ok: DB005
            number = f"MC-{year}-{cur.fetchone()['seq']:05d}"
            key = f"invoices/{year}/{number}.pdf"
            self._s3.upload_fileobj(
                self._render(number, quote),
                self._bucket,
                key,
                ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "AES256"},
            )
            cur.execute(
                "INSERT INTO invoices (quote_id, year, number, s3_key) VALUES (%s, %s, %s, %s)",
                (quote_id, year, number, key),
            )
        logger.info("invoice %s issued for quote Q-%s", number, quote_id)
        return number

    def download_url(self, number: str, year: int) -> str:
        return self._s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": f"invoices/{year}/{number}.pdf"},
            ExpiresIn=URL_TTL_SECONDS,
        )

    def copy_to(self, number: str, year: int, fileobj) -> None:
        """Stream an invoice into an open file object (used by the accountant export)."""
        obj = self._s3.get_object(Bucket=self._bucket, Key=f"invoices/{year}/{number}.pdf")
        for chunk in obj["Body"].iter_chunks(chunk_size=64 * 1024):  # ok: RES003
            fileobj.write(chunk)
