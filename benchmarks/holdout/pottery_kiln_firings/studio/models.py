"""Studio models: members, kilns and firings, shelf space, glaze stock and fees."""
import csv
import io

from django.conf import settings
from django.db import models


class Member(models.Model):
    PLANS = [("hobby", "Hobby"), ("studio", "Studio"), ("pro", "Pro")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    plan = models.CharField(max_length=20, choices=PLANS, default="hobby")
    monthly_fee_pence = models.PositiveIntegerField()
    processor_customer_id = models.CharField(max_length=64, blank=True)
    card_on_file_id = models.CharField(max_length=64, blank=True)
    door_pin_hash = models.CharField(max_length=128, blank=True)
    digest_opt_in = models.BooleanField(default=True)
    active = models.BooleanField(default=True, db_index=True)


class Kiln(models.Model):
    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=[("electric", "Electric"), ("gas", "Gas"), ("raku", "Raku")])
    max_cone = models.PositiveSmallIntegerField()
    controller_id = models.CharField(max_length=40, unique=True)


class Firing(models.Model):
    kiln = models.ForeignKey(Kiln, on_delete=models.PROTECT, related_name="firings")
    title = models.CharField(max_length=120)
    cone = models.PositiveSmallIntegerField()
    scheduled_for = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, default="open")  # open, loading, fired, unloaded
    created_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")


class Shelf(models.Model):
    firing = models.ForeignKey(Firing, on_delete=models.CASCADE, related_name="shelves")
    position = models.PositiveSmallIntegerField()
    width_cm = models.PositiveSmallIntegerField()
    free_cm = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["firing", "position"], name="uq_shelf_position")]


class ShelfBooking(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="bookings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="shelf_bookings")
    width_cm = models.PositiveSmallIntegerField()
    pieces = models.PositiveSmallIntegerField(default=1)
    fee_pence = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class FiringFeeCharge(models.Model):
    booking = models.OneToOneField(ShelfBooking, on_delete=models.PROTECT, related_name="charge")
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, default="pending")  # pending, paid, declined
    failure_code = models.CharField(max_length=40, blank=True)
    processor_payment_id = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True)


class GlazeStock(models.Model):
    name = models.CharField(max_length=80, unique=True)
    colour = models.CharField(max_length=40)
    cone_range = models.CharField(max_length=20)
    grams = models.PositiveIntegerField()
    reorder_level_grams = models.PositiveIntegerField(default=2000)
    price_per_100g_pence = models.PositiveIntegerField()


class GlazeWithdrawal(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="glaze_withdrawals")
    glaze = models.ForeignKey(GlazeStock, on_delete=models.PROTECT)
    grams = models.PositiveIntegerField()
    charged_pence = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class StudioFeeInvoice(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoices")
    period = models.DateField()  # first day of the month billed
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, default="open")  # open, paid, failed
    processor_payment_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="uq_invoice_member_period")]
        indexes = [models.Index(fields=["status", "period"])]


class FiringLog(models.Model):
    firing = models.ForeignKey(Firing, on_delete=models.CASCADE, related_name="logs")
    file = models.FileField(upload_to="firing-logs/", blank=True)
    stored_path = models.CharField(max_length=255, blank=True)  # logs from v1 controllers
    schedule = models.JSONField(default=dict)
    peak_temp_c = models.FloatField(null=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def readings(self):
        """Yield (minute, temp_c) pairs from the stored CSV."""
        with self.file.open("rb") as fh:
            for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
                yield int(row["minute"]), float(row["temp_c"])


class GuestDoorCode(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="guest_codes")
    guest_name = models.CharField(max_length=80, blank=True)
    lock_code_id = models.CharField(max_length=64)
    valid_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)


class ReminderLog(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    firing = models.ForeignKey(Firing, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "firing"], name="uq_reminder_member_firing")]
