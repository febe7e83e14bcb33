"""Quote requests: the website enquiry form and the estimators' board."""
import logging

import httpx
from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from estimates.models import QuoteRequest

logger = logging.getLogger(__name__)

OPEN_STATUSES = [QuoteRequest.Status.NEW, QuoteRequest.Status.SURVEY_BOOKED, QuoteRequest.Status.BID_SENT]


class EnquiryForm(forms.ModelForm):
    class Meta:
        model = QuoteRequest
        fields = ["roof_type", "description", "site_postcode"]


def _ping_estimators(quote):
    try:
        httpx.post(
            settings.SMS_API_URL,
            json={"channel": "estimators", "text": f"New enquiry #{quote.pk} in {quote.site_postcode}"},
            headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
            timeout=5.0,
        )
    except httpx.HTTPError:
        logger.warning("could not notify estimators about quote %s", quote.pk, exc_info=True)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def website_enquiry(request):
    form = EnquiryForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    quote = form.save(commit=False)
    quote.customer = request.user.customer
    quote.save()
    _ping_estimators(quote)
    logger.info("enquiry %s created by user %s", quote.pk, request.user.pk)
    return redirect("customer-quote-detail", pk=quote.pk)


@login_required
def quote_detail(request, pk):
    quote = get_object_or_404(QuoteRequest, pk=pk)  # expect: SEC018
    return render(request, "estimates/quote_detail.html", {
        "quote": quote,
        "photos": quote.photos.order_by("uploaded_at")[:50],
        "bids": quote.bids.order_by("-id"),
    })


@staff_member_required
def estimator_board(request):
    quotes = QuoteRequest.objects.filter(status__in=OPEN_STATUSES).order_by("-created_at")[:100]
    rows = []
    for quote in quotes:
        rows.append({
            "id": quote.pk,
            "customer": quote.customer.user.get_full_name(),  # expect: DB001
            "postcode": quote.site_postcode,
            "roof": quote.roof_type,
            "status": quote.get_status_display(),
            "estimator": quote.estimator_id,
        })
    return render(request, "estimates/board.html", {"rows": rows})


@staff_member_required
def search_quotes(request):
    term = request.GET.get("q", "").strip()
    if len(term) < 3:
        return JsonResponse({"results": []})
    matches = (
        QuoteRequest.objects.filter(description__icontains=term)  # expect: DB006
        .order_by("-created_at")
        .values("id", "site_postcode", "status", "created_at")[:50]
    )
    return JsonResponse({"results": list(matches)})


@staff_member_required
@require_POST
def claim_quote(request, pk):
    updated = QuoteRequest.objects.filter(pk=pk, estimator__isnull=True).update(estimator=request.user)  # ok: DB005
    if not updated:
        return JsonResponse({"error": "already_claimed"}, status=409)
    logger.info("quote %s claimed by estimator %s", pk, request.user.pk)
    return JsonResponse({"id": pk, "estimator": request.user.pk})
