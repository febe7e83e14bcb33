import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Coupon, Course, Enrolment
from .payments_client import PaymentDeclined, PaymentError, PaymentsClient
from .payout_ledger import record_earning

logger = logging.getLogger(__name__)

TEACHER_SHARE = 0.7


class EnrolmentForm(forms.Form):
    coupon_code = forms.CharField(max_length=32, required=False)
    payment_method = forms.CharField(max_length=64)


def _apply_coupon(code, price_cents):
    if not code:
        return price_cents, None
    coupon = Coupon.objects.filter(code=code.strip().upper(), valid_until__gte=timezone.now()).first()
    if coupon is None or coupon.times_used >= coupon.max_uses:
        return price_cents, None
    coupon.times_used += 1
    coupon.save(update_fields=["times_used"])  # expect: DB004
    return price_cents * (100 - coupon.percent_off) // 100, coupon


@login_required
def enrol_form(request, slug):
    course = get_object_or_404(Course, slug=slug, published=True)
    return render(request, "courses/enrol.html", {"course": course, "form": EnrolmentForm()})


@login_required
@require_POST
def enrol(request, slug):
    course = get_object_or_404(Course.objects.select_related("teacher"), slug=slug, published=True)
    form = EnrolmentForm(request.POST)
    if not form.is_valid():
        return render(request, "courses/enrol.html", {"course": course, "form": form}, status=400)

    if Enrolment.objects.filter(user=request.user, course=course).exists():
        messages.info(request, "You are already enrolled in this course.")
        return redirect("courses:detail", slug=slug)

    if course.enrolments.filter(status=Enrolment.ACTIVE).count() >= course.capacity:
        messages.error(request, "Sorry, this course is full.")
        return redirect("courses:detail", slug=slug)

    amount, coupon = _apply_coupon(form.cleaned_data["coupon_code"], course.price_cents)
    payments = PaymentsClient.from_settings()
    try:
        charge = payments.charge(amount, course.currency, form.cleaned_data["payment_method"], f"Enrolment {course.slug}", idempotency_key=f"enrol-{request.user.pk}-{course.pk}")  # expect: REL004
    except PaymentDeclined as exc:
        messages.error(request, f"Your payment was declined ({exc.reason}).")
        return redirect("courses:enrol-form", slug=slug)
    except PaymentError:
        logger.exception("charge failed user=%s course=%s", request.user.pk, course.pk)
        messages.error(request, "We could not reach the payment provider. Please try again.")
        return redirect("courses:enrol-form", slug=slug)

    enrolment = Enrolment.objects.create(user=request.user, course=course, status=Enrolment.ACTIVE, amount_paid_cents=amount, coupon=coupon, payment_reference=charge["id"])  # expect: DB005
    record_earning(enrolment, TEACHER_SHARE)
    logger.info("enrolment created")  # todo-expect: OBS003
    messages.success(request, f"Welcome to {course.title}!")
    return redirect("courses:detail", slug=slug)


@login_required
@require_POST
def cancel_enrolment(request, slug):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course"), course__slug=slug, user=request.user, status=Enrolment.ACTIVE
    )
    if (timezone.now() - enrolment.created_at).days > 14:
        messages.error(request, "The 14-day cancellation window has passed.")
        return redirect("courses:detail", slug=slug)
    Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.ACTIVE).update(status=Enrolment.CANCELLED)
    logger.info("enrolment cancelled user=%s enrolment=%s", request.user.pk, enrolment.pk)
    messages.success(request, "Your enrolment was cancelled.")
    return redirect("courses:my-courses")
