"""Client portal: clients sign in to read, download and approve their invoices."""
import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, ListView

from billing.models import Invoice
from billing.services.pdf import open_invoice_pdf

logger = logging.getLogger(__name__)


class ClientInvoiceListView(LoginRequiredMixin, ListView):
    template_name = "portal/invoice_list.html"
    context_object_name = "invoices"
    paginate_by = 25

    def get_queryset(self):
        return (
            Invoice.objects.filter(client__portal_user=self.request.user)
            .exclude(status=Invoice.Status.DRAFT)
            .order_by("-issued_on")
        )


class ClientInvoiceDetailView(LoginRequiredMixin, DetailView):
    template_name = "portal/invoice_detail.html"
    context_object_name = "invoice"
    queryset = Invoice.objects.select_related("client").prefetch_related("lines", "payments")  # expect: SEC018


class InvoicePdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk, client__portal_user=request.user)  # ok: SEC018
        if not invoice.pdf:
            raise Http404("PDF not generated yet")
        return FileResponse(open_invoice_pdf(invoice), as_attachment=True, filename=f"{invoice.number}.pdf")


@method_decorator(csrf_exempt, name="dispatch")  # expect: SEC014
class ApproveInvoiceView(LoginRequiredMixin, View):
    """The client confirms the invoice is correct; the freelancer sees the approval date."""

    def post(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk, client__portal_user=request.user)
        if invoice.approved_at is None:
            invoice.approved_at = timezone.now()
            invoice.save(update_fields=["approved_at"])
            logger.info("invoice %s approved by portal user %s", invoice.number, request.user.pk)
        return HttpResponseRedirect(reverse("portal:invoice-detail", args=[pk]))


class InvoiceSearchView(LoginRequiredMixin, View):
    """Freelancer-side quick search across their invoices by number or client name."""

    def get(self, request):
        term = request.GET.get("q", "").strip()
        if len(term) < 2:
            return JsonResponse({"results": []})
        sql = (
            "SELECT i.* FROM billing_invoice i JOIN billing_client c ON c.id = i.client_id "
            f"WHERE c.owner_id = %s AND (i.number LIKE '%%{term}%%' OR c.name ILIKE '%%{term}%%') "  # expect: SEC001, DB006
            "ORDER BY i.issued_on DESC LIMIT 50"
        )
        invoices = Invoice.objects.raw(sql, [request.user.pk])
        results = [
            {
                "id": inv.pk,
                "number": inv.number,
                "issued_on": inv.issued_on.isoformat(),
                "total": str(inv.total),
                "status": inv.status,
            }
            for inv in invoices
        ]
        return JsonResponse({"results": results})
