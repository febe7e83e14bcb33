from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from listings.models import Event, Listing

SORTS = {"date": "starts_at", "name": "name"}


@require_GET
def search_events(request):
    q = request.GET.get("q", "").strip()
    city = request.GET.get("city", "").strip()
    events = Event.objects.filter(starts_at__gte=timezone.now())
    if q:
        events = events.filter(name__icontains=q)  # todo-expect: DB006
    if city:
        events = events.extra(where=[f"city = '{city}'"])  # expect: SEC001

    events = events.annotate(
        active_listings=Count("listings", filter=Q(listings__status=Listing.Status.ACTIVE))
    ).order_by(SORTS.get(request.GET.get("sort"), "starts_at"))

    paginator = Paginator(events, 24)
    page = paginator.get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse(
        {
            "results": [
                {
                    "slug": e.slug,
                    "name": e.name,
                    "venue": e.venue,
                    "city": e.city,
                    "starts_at": e.starts_at.isoformat(),
                    "active_listings": e.active_listings,
                }
                for e in page.object_list
            ],
            "page": page.number,
            "pages": paginator.num_pages,
        }
    )
