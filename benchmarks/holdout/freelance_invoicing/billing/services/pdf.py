"""Invoice PDFs rendered with WeasyPrint and kept in the configured file storage (S3)."""
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from weasyprint import HTML, default_url_fetcher

from billing.models import Invoice

logger = logging.getLogger(__name__)


def _asset_fetcher(url: str, timeout: int = 10, ssl_context=None):
    """Only allow the stylesheet, fonts and logo shipped with the app."""
    if url.startswith("file://"):
        path = Path(url[len("file://"):]).resolve()
        if path.is_relative_to(Path(settings.PDF_ASSET_DIR).resolve()):
            return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"blocked PDF resource {url}")


def render_invoice_html(invoice: Invoice) -> str:
    invoice = (
        Invoice.objects.select_related("client")
        .prefetch_related("lines")
        .get(pk=invoice.pk)
    )
    return render_to_string(
        "billing/invoice_pdf.html",
        {"invoice": invoice, "client": invoice.client, "lines": invoice.lines.all()},
    )


def render_invoice_pdf(invoice: Invoice) -> bytes:
    html = render_invoice_html(invoice)
    base_url = Path(settings.PDF_ASSET_DIR).resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=_asset_fetcher).write_pdf()


def store_invoice_pdf(invoice: Invoice) -> str:
    """Render and upload the PDF, then record its storage name on the invoice."""
    pdf_bytes = render_invoice_pdf(invoice)
    name = f"{invoice.issued_on:%Y}/{invoice.number}.pdf"
    invoice.pdf.save(name, ContentFile(pdf_bytes), save=False)  # ok: SCL002
    invoice.save(update_fields=["pdf"])
    logger.info("stored PDF for invoice %s (%d bytes)", invoice.number, len(pdf_bytes))
    return invoice.pdf.name


def open_invoice_pdf(invoice: Invoice):
    """File object for streaming; FileResponse closes it when the response is done."""
    return invoice.pdf.open("rb")
