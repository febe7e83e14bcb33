"""REST API used by the freelancer's desktop and mobile apps."""
from decimal import Decimal

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from billing.models import Invoice, Payment, Project, TimeEntry


class TimeEntrySerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "project", "project_name", "started_on", "hours", "description", "invoice"]
        read_only_fields = ["invoice"]

    def validate_project(self, project: Project) -> Project:
        if project.client.owner_id != self.context["request"].user.pk:
            raise serializers.ValidationError("Unknown project")
        return project


class InvoiceSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "number", "client", "client_name", "issued_on", "due_on", "currency",
                  "total", "amount_paid", "status"]
        read_only_fields = fields


class ManualPaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reference = serializers.CharField(max_length=100)


class EntryPagination(CursorPagination):
    page_size = 100
    ordering = "-started_on"


class TimeEntryViewSet(viewsets.ModelViewSet):
    serializer_class = TimeEntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = EntryPagination

    def get_queryset(self):
        return TimeEntry.objects.filter(project__client__owner=self.request.user).select_related("project")  # ok: DB001, SEC018

    def perform_update(self, serializer):
        if serializer.instance.invoice_id:
            raise ValidationError("Billed entries cannot be changed")
        serializer.save()

    def perform_destroy(self, instance):
        if instance.invoice_id:
            raise ValidationError("Billed entries cannot be deleted")
        instance.delete()


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InvoiceSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Invoice.objects.filter(client__owner=self.request.user).select_related("client").order_by("-issued_on")

    @action(detail=True, methods=["post"], url_path="payments")
    def record_payment(self, request, pk=None):
        """Record a bank transfer the freelancer reconciled by hand."""
        data = ManualPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            invoice = get_object_or_404(self.get_queryset().select_for_update(of=("self",)), pk=pk)
            payment, created = Payment.objects.get_or_create(
                provider_reference=data.validated_data["reference"],
                defaults={"invoice": invoice, "amount": data.validated_data["amount"], "received_at": timezone.now()},
            )
            if created:
                invoice.amount_paid += payment.amount  # ok: DB004
                invoice.status = (
                    Invoice.Status.PAID if invoice.amount_paid >= invoice.total else Invoice.Status.PARTIALLY_PAID
                )
                invoice.save(update_fields=["amount_paid", "status"])
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(InvoiceSerializer(invoice).data, status=code)
