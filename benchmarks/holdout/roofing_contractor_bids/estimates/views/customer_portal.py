"""Customer portal: a homeowner's own quote requests, photos and bids."""
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from estimates.models import Bid, QuoteRequest
from estimates.views.quote_requests import EnquiryForm, _ping_estimators

logger = logging.getLogger(__name__)


@login_required
def my_quotes(request):
    quotes = (
        QuoteRequest.objects.filter(customer__user=request.user)
        .select_related("estimator")
        .annotate(photo_count=Count("photos"))
        .order_by("-created_at")
    )
    page = Paginator(quotes, 20).get_page(request.GET.get("page"))  # ok: DB002
    return render(request, "portal/my_quotes.html", {"page": page})


@login_required
def quote_detail(request, pk):
    quote = get_object_or_404(  # ok: SEC018
        QuoteRequest.objects.select_related("estimator"), pk=pk, customer__user=request.user
    )
    bids = quote.bids.filter(status__in=[Bid.Status.SENT, Bid.Status.ACCEPTED]).order_by("-id")
    photos = quote.photos.order_by("uploaded_at").only("id", "thumbnail_key", "uploaded_at")[:50]
    return render(request, "portal/quote_detail.html", {"quote": quote, "bids": bids, "photos": photos})


@login_required
@require_POST
def new_enquiry(request):
    form = EnquiryForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    with transaction.atomic():
        quote = form.save(commit=False)
        quote.customer = request.user.customer
        quote.save()
        transaction.on_commit(lambda: _ping_estimators(quote))
    logger.info("enquiry %s created by user %s", quote.pk, request.user.pk)
    return JsonResponse({"id": quote.pk, "status": quote.status}, status=201)


@login_required
@require_POST
def withdraw_enquiry(request, pk):
    withdrawn = (
        QuoteRequest.objects.filter(  # ok: SEC018, DB005
            pk=pk,
            customer__user=request.user,
            status__in=[QuoteRequest.Status.NEW, QuoteRequest.Status.SURVEY_BOOKED],
        ).update(status=QuoteRequest.Status.LOST)
    )
    if not withdrawn:
        return JsonResponse({"error": "cannot_withdraw"}, status=409)
    logger.info("enquiry %s withdrawn by user %s", pk, request.user.pk)
    return JsonResponse({"id": pk, "status": QuoteRequest.Status.LOST})
