from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="member")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(unique=True)
    employer_domain = models.CharField(max_length=120, blank=True, db_index=True)
    newsletter_opt_in = models.BooleanField(default=False, db_index=True)
    joined_on = models.DateField(auto_now_add=True)

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class MembershipTier(models.Model):
    name = models.CharField(max_length=40, unique=True)
    annual_fee_cents = models.PositiveIntegerField()
    guest_allowance = models.PositiveSmallIntegerField(default=0)


class Membership(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    tier = models.ForeignKey(MembershipTier, on_delete=models.PROTECT)
    number = models.CharField(max_length=12, unique=True)
    started_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    renewal_count = models.PositiveIntegerField(default=0)
    guest_passes_issued = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, default="active", db_index=True)


class GuestPass(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="guest_passes")
    code = models.CharField(max_length=32, unique=True)
    issued_on = models.DateField(auto_now_add=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")


class Event(models.Model):
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True)
    capacity = models.PositiveIntegerField()
    seats_taken = models.PositiveIntegerField(default=0)
    members_only = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(check=Q(seats_taken__lte=F("capacity")), name="event_not_overbooked"),
        ]


class RSVP(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rsvps")
    party_size = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="one_rsvp_per_member"),
        ]


class Donation(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="donations")
    amount_cents = models.PositiveIntegerField()
    donated_on = models.DateField(auto_now_add=True)


class DonationMatch(models.Model):
    donation = models.OneToOneField(Donation, on_delete=models.CASCADE, related_name="match")
    employer_domain = models.CharField(max_length=120)
    reference = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, default="pending", db_index=True)
    matched_cents = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class NewsletterExport(models.Model):
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    s3_key = models.CharField(max_length=300, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, default="queued")
    created_at = models.DateTimeField(auto_now_add=True)
