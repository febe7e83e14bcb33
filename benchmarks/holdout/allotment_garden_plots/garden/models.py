"""Core models: sites, plots, members, waiting lists, rent, tools, meters, newsletter."""
from django.conf import settings
from django.db import models


class Site(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    rent_per_m2 = models.DecimalField(max_digits=6, decimal_places=2)
    water_rate_per_m3 = models.DecimalField(max_digits=6, decimal_places=3)

    def __str__(self):
        return self.name


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    phone = models.CharField(max_length=32, blank=True)
    address = models.TextField(blank=True)
    card_number = models.CharField(max_length=16, unique=True)
    newsletter_opt_in = models.BooleanField(default=True)
    joined_on = models.DateField(auto_now_add=True)


class Plot(models.Model):
    class Status(models.TextChoices):
        VACANT = "vacant"
        OFFERED = "offered"
        LET = "let"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="plots")
    number = models.CharField(max_length=10)
    size_m2 = models.DecimalField(max_digits=7, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VACANT)
    tenant = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="plots")
    offered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="plot_number_per_site")]
        indexes = [models.Index(fields=["site", "status"])]


class WaitingListEntry(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="waiting_list")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="waiting_entries")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=12, default="waiting")  # waiting | offered | accepted | withdrawn | lapsed
    offered_plot = models.ForeignKey(Plot, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["site", "status", "position"])]


class RentInvoice(models.Model):
    plot = models.ForeignKey(Plot, on_delete=models.PROTECT, related_name="invoices")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoices")
    season = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    status = models.CharField(max_length=10, default="issued")  # issued | paid | overdue
    due_on = models.DateField()
    issued_at = models.DateTimeField(auto_now_add=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plot", "season"], name="one_invoice_per_plot_season")]
        indexes = [models.Index(fields=["season", "status"]), models.Index(fields=["status", "due_on"])]


class Tool(models.Model):
    shed = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(max_length=80)
    total_count = models.PositiveSmallIntegerField()
    available_count = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(check=models.Q(available_count__lte=models.F("total_count")),
                                              name="available_within_total")]


class ToolLoan(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tool_loans")
    borrowed_at = models.DateTimeField(auto_now_add=True)
    due_back = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "returned_at"])]


class MeterReading(models.Model):
    plot = models.ForeignKey(Plot, on_delete=models.CASCADE, related_name="meter_readings")
    read_on = models.DateField()
    reading_m3 = models.DecimalField(max_digits=9, decimal_places=3)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plot", "read_on"], name="one_reading_per_plot_day")]
        indexes = [models.Index(fields=["read_on"])]


class NewsletterIssue(models.Model):
    subject = models.CharField(max_length=150)
    body_text = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)


class NewsletterDelivery(models.Model):
    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="newsletter_deliveries")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "member"], name="one_delivery_per_member")]
