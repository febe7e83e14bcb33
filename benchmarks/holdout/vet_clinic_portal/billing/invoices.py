import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from billing.models import Invoice, InvoiceLine

logger = logging.getLogger(__name__)


def invoice_total(invoice):
    lines = list(InvoiceLine.objects.filter(invoice=invoice).only("quantity", "unit_price_cents", "vat_rate"))
    net = sum(line.quantity * line.unit_price_cents for line in lines)
    vat = sum(round(line.quantity * line.unit_price_cents * line.vat_rate) for line in lines)
    return net, vat


class InvoiceListView(LoginRequiredMixin, ListView):
    template_name = "billing/invoices.html"
    context_object_name = "invoices"
    paginate_by = 25  # ok: DB002

    def get_queryset(self):
        return Invoice.objects.filter(owner=self.request.user).order_by("-issued_at")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = []
        for inv in ctx["page_obj"]:
            net, vat = invoice_total(inv)  # expect: DB001
            rows.append({"invoice": inv, "net": net, "vat": vat, "gross": net + vat})
        ctx["rows"] = rows
        return ctx


def _money(cents):
    return f"£{cents / 100:,.2f}"


def _render_invoice_pdf(invoice, path):
    net, vat = invoice_total(invoice)
    pdf = canvas.Canvas(path, pagesize=A4)  # expect: SCL002
    width, height = A4
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, height - 25 * mm, f"Invoice {invoice.number}")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(20 * mm, height - 32 * mm, f"Issued {invoice.issued_at:%d %B %Y}")
    pdf.drawString(20 * mm, height - 38 * mm, f"{invoice.owner.get_full_name()} - {invoice.owner.email}")
    y = height - 55 * mm
    for line in InvoiceLine.objects.filter(invoice=invoice).order_by("pk"):
        pdf.drawString(20 * mm, y, line.description[:70])
        pdf.drawRightString(width - 20 * mm, y, _money(line.quantity * line.unit_price_cents))
        y -= 6 * mm
    pdf.line(20 * mm, y, width - 20 * mm, y)
    y -= 8 * mm
    for label, cents in (("Net", net), ("VAT", vat), ("Total", net + vat)):
        pdf.drawString(120 * mm, y, label)
        pdf.drawRightString(width - 20 * mm, y, _money(cents))
        y -= 6 * mm
    pdf.showPage()
    pdf.save()


def issue_invoice(invoice):
    """Called from the checkout flow once the visit has been closed by reception."""
    os.makedirs(settings.INVOICE_PDF_DIR, exist_ok=True)
    path = os.path.join(settings.INVOICE_PDF_DIR, f"{invoice.number}.pdf")
    _render_invoice_pdf(invoice, path)
    invoice.status = "issued"
    invoice.issued_at = invoice.issued_at or timezone.now()
    invoice.pdf_path = path
    invoice.save(update_fields=["status", "issued_at", "pdf_path"])
    logger.info("invoice %s issued", invoice.number)
    return path


@login_required
def invoice_pdf(request, number):
    invoice = get_object_or_404(Invoice, number=number, owner=request.user)  # ok: SEC018
    if not invoice.pdf_path or not os.path.exists(invoice.pdf_path):
        raise Http404("invoice PDF is not available")
    return FileResponse(open(invoice.pdf_path, "rb"), content_type="application/pdf", filename=f"invoice-{invoice.number}.pdf")
