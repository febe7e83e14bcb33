"""Render invoice PDFs with wkhtmltopdf and store them in S3."""

import logging
import os
import subprocess
import tempfile
from datetime import date

import boto3
from flask import current_app

log = logging.getLogger(__name__)

_s3 = boto3.client("s3")

_STYLE = """
body { font-family: 'Helvetica Neue', Arial, sans-serif; font-size: 11pt; color: #222; }
h1 { font-size: 18pt; margin-bottom: 0; }
table { width: 100%; border-collapse: collapse; margin-top: 16px; }
td, th { border-bottom: 1px solid #ddd; padding: 6px 4px; text-align: left; }
td.amount, th.amount { text-align: right; }
"""


def _money(cents: int) -> str:
    return f"£{cents / 100:,.2f}"


def _line_rows(lines: list[dict]) -> str:
    return "".join(
        f"<tr><td>{line['description']}</td><td>{line['qty']}</td>"
        f"<td class='amount'>{_money(line['amount_cents'])}</td></tr>"
        for line in lines
    )


def invoice_html(invoice: dict, lines: list[dict]) -> str:
    total = sum(line["amount_cents"] for line in lines)
    customer_block = f"<p>{invoice['customer_name']}<br>{invoice['customer_address']}</p><p>Piano: {invoice['piano_make']} {invoice['piano_model']}. Notes: {invoice['customer_notes']}</p>"  # expect: SEC016
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><style>{_STYLE}</style></head>
<body>
<h1>Invoice {invoice['number']}</h1>
<p>Issued {date.today():%d %B %Y}</p>
{customer_block}
<table><tr><th>Item</th><th>Qty</th><th class="amount">Amount</th></tr>
{_line_rows(lines)}
<tr><th colspan="2">Total</th><th class="amount">{_money(total)}</th></tr></table>
</body></html>"""


def render_and_upload(invoice: dict, lines: list[dict]) -> str:
    """Render the invoice to PDF and upload it; returns the S3 key."""
    key = f"invoices/{invoice['customer_id']}/{invoice['number']}.pdf"
    with tempfile.TemporaryDirectory(prefix="invoice-") as workdir:
        html_path = os.path.join(workdir, "invoice.html")
        pdf_path = os.path.join(workdir, "invoice.pdf")
        with open(html_path, "w", encoding="utf-8") as fh:
            fh.write(invoice_html(invoice, lines))

        subprocess.run(f"wkhtmltopdf --quiet --title 'Invoice for {invoice['customer_name']}' {html_path} {pdf_path}", shell=True, check=True, timeout=60)  # expect: SEC002

        pdf = open(pdf_path, "rb")  # expect: RES001
        _s3.put_object(
            Bucket=current_app.config["INVOICE_BUCKET"],
            Key=key,
            Body=pdf,
            ContentType="application/pdf",
            ServerSideEncryption="AES256",
        )
        pdf.close()

    log.info("invoice %s rendered to s3://%s/%s", invoice["number"], current_app.config["INVOICE_BUCKET"], key)
    return key


def presigned_invoice_url(key: str) -> str:
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["INVOICE_BUCKET"], "Key": key},
        ExpiresIn=current_app.config["INVOICE_LINK_TTL_SECONDS"],
    )
