from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from listings.models import Listing, Order


@login_required
@require_GET
def seller_listings(request):
    listings = (
        Listing.objects.filter(seller=request.user)
        .select_related("event")  # ok: DB001
        .order_by("-created_at")
    )
    page = Paginator(listings, 50).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse(
        {
            "results": [
                {
                    "id": listing.id,
                    "event": listing.event.name,
                    "section": listing.section,
                    "quantity": listing.quantity,
                    "price_cents": listing.price_cents,
                    "status": listing.status,
                }
                for listing in page.object_list
            ],
            "page": page.number,
        }
    )


@login_required
@require_GET
def seller_sales(request):
    orders = Order.objects.filter(listing__seller=request.user, status=Order.Status.PAID).order_by("-created_at")  # expect: DB002
    sales = []
    for order in orders:
        listing = order.listing  # expect: DB001
        sales.append(
            {
                "order_id": order.id,
                "sold_at": order.created_at.isoformat(),
                "event_id": listing.event_id,
                "section": listing.section,
                "quantity": order.quantity,
                "amount_cents": order.amount_cents,
            }
        )
    return JsonResponse({"sales": sales, "total_cents": sum(s["amount_cents"] for s in sales)})
