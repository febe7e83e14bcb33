from django.conf import settings
from django.db import models


class Choir(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    timezone = models.CharField(max_length=40, default="Europe/London")
    reply_to = models.EmailField(blank=True)

    def __str__(self):
        return self.name


class Section(models.Model):
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=40)  # Soprano 1, Alto, Tenor, Bass 2 ...
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering"]
        constraints = [models.UniqueConstraint(fields=["choir", "name"], name="uniq_section_name")]


class Member(models.Model):
    ROLE_SINGER, ROLE_LEADER, ROLE_LIBRARIAN, ROLE_ADMIN = "singer", "leader", "librarian", "admin"
    ROLES = [(r, r.title()) for r in (ROLE_SINGER, ROLE_LEADER, ROLE_LIBRARIAN, ROLE_ADMIN)]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE, related_name="members")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    role = models.CharField(max_length=12, choices=ROLES, default=ROLE_SINGER)
    display_name = models.CharField(max_length=80)
    email = models.EmailField()
    active = models.BooleanField(default=True)
    email_opt_in = models.BooleanField(default=True)
    rehearsals_attended = models.PositiveIntegerField(default=0)
    badge_code = models.CharField(max_length=24, unique=True, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "choir"], name="uniq_member_per_choir")]

    @property
    def is_section_leader(self):
        return self.role in (self.ROLE_LEADER, self.ROLE_ADMIN)


class Venue(models.Model):
    name = models.CharField(max_length=120)
    address = models.TextField()
    capacity = models.PositiveIntegerField(null=True, blank=True)


class Rehearsal(models.Model):
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE, related_name="rehearsals")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    title = models.CharField(max_length=120, blank=True)
    room_capacity = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)


class Attendance(models.Model):
    STATUSES = [("yes", "Coming"), ("no", "Not coming"), ("maybe", "Maybe")]

    rehearsal = models.ForeignKey(Rehearsal, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(max_length=5, choices=STATUSES)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rehearsal", "member"], name="uniq_rsvp")]
        indexes = [models.Index(fields=["rehearsal", "status"])]


class SheetMusic(models.Model):
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE, related_name="scores")
    title = models.CharField(max_length=200)
    composer = models.CharField(max_length=120, blank=True)
    file_path = models.CharField(max_length=500)
    pages = models.PositiveSmallIntegerField(null=True)
    uploaded_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class PracticeTrack(models.Model):
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE, related_name="tracks")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=200)
    storage_key = models.CharField(max_length=300, unique=True)
    download_name = models.CharField(max_length=200)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ReminderLog(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    ref = models.CharField(max_length=40)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind", "ref"], name="uniq_reminder")]


class Invite(models.Model):
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE)
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=12, default=Member.ROLE_SINGER)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class KioskDevice(models.Model):
    choir = models.ForeignKey(Choir, on_delete=models.CASCADE)
    label = models.CharField(max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
