"""Django admin for the office: tickets, customers and the store credit ledger."""
from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone

from credit.models import CreditEntry, StoreCreditAccount
from tickets.models import Cobbler, Customer, PickupNotification, RepairTicket


class PickupNotificationInline(admin.TabularInline):
    model = PickupNotification
    extra = 0
    readonly_fields = ("kind", "sent_at", "provider_message_id", "delivery_status")
    can_delete = False


@admin.register(RepairTicket)
class RepairTicketAdmin(admin.ModelAdmin):
    list_display = ("claim_number", "customer", "cobbler", "status", "quoted_cents", "created_at", "ready_at")
    list_filter = ("status", "cobbler")
    list_select_related = ("customer", "cobbler")
    search_fields = ("=claim_number", "=customer__phone")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    raw_id_fields = ("customer",)
    inlines = [PickupNotificationInline]
    actions = ["mark_in_progress"]

    @admin.action(description="Move selected tickets to 'in progress'")
    def mark_in_progress(self, request, queryset):
        moved = queryset.filter(status=RepairTicket.Status.RECEIVED).update(  # ok: DB003
            status=RepairTicket.Status.IN_PROGRESS
        )
        self.message_user(request, f"{moved} ticket(s) moved to in progress", messages.SUCCESS)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "email", "sms_opt_in", "open_tickets")
    search_fields = ("=phone", "=email")
    list_per_page = 50

    def get_queryset(self, request):
        open_q = Q(tickets__status__in=[RepairTicket.Status.RECEIVED, RepairTicket.Status.IN_PROGRESS])
        return super().get_queryset(request).annotate(open_count=Count("tickets", filter=open_q))

    @admin.display(ordering="open_count", description="open tickets")
    def open_tickets(self, obj):
        return obj.open_count  # ok: DB001


@admin.register(Cobbler)
class CobblerAdmin(admin.ModelAdmin):
    list_display = ("name", "bench", "active")


class CreditEntryInline(admin.TabularInline):
    model = CreditEntry
    extra = 0
    fields = ("created_at", "amount_cents", "reason", "ticket", "created_by")
    readonly_fields = fields
    can_delete = False
    ordering = ("-created_at",)

    def get_queryset(self, request):
        cutoff = timezone.now() - timedelta(days=365)
        return super().get_queryset(request).filter(created_at__gte=cutoff).select_related("ticket", "created_by")


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(admin.ModelAdmin):
    list_display = ("customer", "balance_cents", "updated_at")
    list_select_related = ("customer",)
    search_fields = ("=customer__phone",)
    readonly_fields = ("balance_cents", "updated_at")
    inlines = [CreditEntryInline]

    def has_delete_permission(self, request, obj=None):
        return False
