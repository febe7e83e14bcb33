from django.conf import settings
from django.db import models


class Conference(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    cfp_closes_at = models.DateTimeField()
    ranking_formula = models.CharField(max_length=200, default="avg")
    schedule_published = models.BooleanField(default=False)
    decisions_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    STATUS_CHOICES = [
        ("submitted", "Submitted"),
        ("accepted", "Accepted"),
        ("rejected", "Rejected"),
        ("withdrawn", "Withdrawn"),
    ]

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="submissions")
    speaker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(max_length=200)
    abstract = models.TextField()
    track = models.CharField(max_length=50)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default="submitted")
    pdf_path = models.CharField(max_length=500, blank=True)
    pdf_key = models.CharField(max_length=300, blank=True)
    review_count = models.PositiveIntegerField(default=0)
    decision_email_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["conference", "status"]),
            models.Index(fields=["speaker", "-created_at"]),
        ]


class ReviewerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    conferences = models.ManyToManyField(Conference, related_name="reviewers")
    active = models.BooleanField(default=True)
    assigned_count = models.PositiveIntegerField(default=0)
    max_load = models.PositiveIntegerField(default=12)


class ConflictOfInterest(models.Model):
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    speaker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")


class ReviewAssignment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class TravelBudget(models.Model):
    conference = models.OneToOneField(Conference, on_delete=models.CASCADE)
    remaining_cents = models.BigIntegerField()


class TravelClaim(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE)
    speaker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="travel_claims")
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    payout_account = models.CharField(max_length=64)
    receipt_key = models.CharField(max_length=300)
    status = models.CharField(max_length=16, default="submitted", db_index=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    transfer_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class ScheduleSlot(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="slots")
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE)
    room = models.CharField(max_length=50)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
