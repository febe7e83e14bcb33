from django.conf import settings
from django.db import models


class Teacher(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher")
    display_name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)
    payout_account_id = models.CharField(max_length=64, blank=True)
    payouts_enabled = models.BooleanField(default=False)
    balance_cents = models.BigIntegerField(default=0)
    webhook_url = models.URLField(blank=True)


class Course(models.Model):
    LEVELS = [(lvl, lvl) for lvl in ("A1", "A2", "B1", "B2", "C1", "C2")]

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="courses")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=8)
    level = models.CharField(max_length=2, choices=LEVELS)
    description = models.TextField(blank=True)
    price_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    capacity = models.PositiveIntegerField(default=30)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["published", "language", "level"])]


class Lesson(models.Model):
    PENDING, PROCESSING, READY, FAILED = "pending", "processing", "ready", "failed"
    STATUSES = [(s, s) for s in (PENDING, PROCESSING, READY, FAILED)]

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    source_key = models.CharField(max_length=300, blank=True)
    source_checksum = models.CharField(max_length=64, blank=True)
    renditions = models.JSONField(default=dict, blank=True)
    thumbnail_key = models.CharField(max_length=300, blank=True)
    transcode_status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    duration_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("course", "position")]


class Coupon(models.Model):
    code = models.CharField(max_length=32, unique=True)
    percent_off = models.PositiveSmallIntegerField()
    max_uses = models.PositiveIntegerField(default=100)
    times_used = models.PositiveIntegerField(default=0)
    valid_until = models.DateTimeField()


class Enrolment(models.Model):
    ACTIVE, CANCELLED, REFUNDED = "active", "cancelled", "refunded"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=12, default=ACTIVE)
    amount_paid_cents = models.PositiveIntegerField(default=0)
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.SET_NULL)
    payment_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course")]


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("user", "lesson")]


class Quiz(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    pass_mark = models.PositiveSmallIntegerField(default=70)


class Question(models.Model):
    CHOICE, TEXT, RULE = "choice", "text", "rule"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=8, default=CHOICE)
    prompt = models.TextField()
    choices = models.JSONField(default=list, blank=True)
    answer = models.JSONField(null=True, blank=True)
    scoring_rule = models.CharField(max_length=500, blank=True)
    points = models.PositiveSmallIntegerField(default=1)


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=dict)
    score = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)


class StudentProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    quiz_points = models.PositiveIntegerField(default=0)
    native_language = models.CharField(max_length=8, blank=True)


class Certificate(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=32, unique=True)
    student_name = models.CharField(max_length=200)
    pdf_key = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)


class Payout(models.Model):
    PENDING, SENT, FAILED = "pending", "sent", "failed"

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="payouts")
    period = models.CharField(max_length=7)
    amount_cents = models.BigIntegerField()
    status = models.CharField(max_length=10, default=PENDING)
    idempotency_key = models.CharField(max_length=80, unique=True, null=True)
    provider_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["teacher", "period"], name="one_payout_per_period")]


class Earning(models.Model):
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="earnings")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="earnings")
    amount_cents = models.BigIntegerField()
    paid = models.BooleanField(default=False, db_index=True)
    payout = models.ForeignKey(Payout, null=True, blank=True, on_delete=models.SET_NULL, related_name="earnings")
    created_at = models.DateTimeField(auto_now_add=True)
