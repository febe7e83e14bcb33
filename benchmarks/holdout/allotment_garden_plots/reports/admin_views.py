"""Committee reports: rent arrears by site, member lookup, plot reassignment."""
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from garden.models import Member, Plot

log = logging.getLogger(__name__)


@staff_member_required
@require_GET
def arrears_by_site(request):
    season = request.GET.get("season", str(timezone.localdate().year))
    site = request.GET.get("site")
    sql = (
        "SELECT s.code, COUNT(i.id), COALESCE(SUM(i.amount), 0) "
        "FROM garden_rentinvoice i "
        "JOIN garden_plot p ON p.id = i.plot_id "
        "JOIN garden_site s ON s.id = p.site_id "
        f"WHERE i.status = 'overdue' AND i.season = {season}"
    )
    if site:
        sql += f" AND s.code = '{site}'"
    sql += " GROUP BY s.code ORDER BY s.code"
    with connection.cursor() as cursor:
        cursor.execute(sql)  # expect: SEC001
        rows = cursor.fetchall()
    return JsonResponse({
        "season": season,
        "sites": [{"site": code, "overdue_invoices": count, "overdue_total": str(total)}
                  for code, count, total in rows],
    })


@staff_member_required
@require_GET
def member_lookup(request):
    """Find a member from the phone number on a voicemail."""
    digits = "".join(ch for ch in request.GET.get("phone", "") if ch.isdigit())
    if len(digits) < 4:
        return JsonResponse({"error": "give at least four digits"}, status=400)
    members = (Member.objects
               .filter(phone__icontains=digits)  # expect: DB006
               .select_related("user")
               .prefetch_related("plots")
               .order_by("user__last_name")[:25])
    return JsonResponse({"results": [
        {"member": m.pk, "name": m.user.get_full_name(), "phone": m.phone,
         "plots": [f"{p.site_id}-{p.number}" for p in m.plots.all()]}  # ok: DB001
        for m in members
    ]})


@login_required
@require_POST
def reassign_plot(request, plot_id):
    """Move a let plot to another member (inheritance, transfer between partners)."""
    assert request.user.has_perm("garden.change_plot"), "committee only"  # expect: SEC017
    new_tenant = get_object_or_404(Member, pk=request.POST.get("member"))
    with transaction.atomic():
        plot = Plot.objects.select_for_update().get(pk=plot_id)
        if plot.status != Plot.Status.LET:
            return JsonResponse({"error": "only let plots can be reassigned"}, status=409)
        previous = plot.tenant_id
        plot.tenant = new_tenant
        plot.save(update_fields=["tenant"])
    log.info("plot %s reassigned from member %s to member %s by user %s",
             plot.pk, previous, new_tenant.pk, request.user.pk)
    return JsonResponse({"plot": plot.pk, "tenant": new_tenant.pk})
