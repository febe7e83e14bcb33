"""Section roster and paged rehearsal list used by section leaders."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from rehearsals.models import Attendance, Member, Rehearsal, Section

PAGE_SIZE = 25


@login_required
@require_GET
def section_roster(request, choir_slug, rehearsal_id):
    rehearsal = get_object_or_404(  # ok: SEC018
        Rehearsal.objects.select_related("venue", "choir"),
        pk=rehearsal_id,
        choir__slug=choir_slug,
        choir__members__user=request.user,
        choir__members__active=True,
    )
    sections = Section.objects.filter(choir=rehearsal.choir).prefetch_related(
        Prefetch("members", queryset=Member.objects.filter(active=True).order_by("display_name"))
    )
    answers = dict(
        Attendance.objects.filter(rehearsal=rehearsal).values_list("member_id", "status")
    )
    roster = []
    for section in sections:
        singers = [
            {"id": m.id, "name": m.display_name, "answer": answers.get(m.id)}
            for m in section.members.all()  # ok: DB001
        ]
        roster.append(
            {
                "section": section.name,
                "coming": sum(1 for s in singers if s["answer"] == "yes"),
                "singers": singers,
            }
        )
    return JsonResponse(
        {
            "rehearsal": {"id": rehearsal.id, "starts_at": rehearsal.starts_at.isoformat()},
            "venue": rehearsal.venue.name,
            "sections": roster,
        }
    )


@login_required
@require_GET
def rehearsal_page(request, choir_slug):
    qs = (
        Rehearsal.objects.filter(
            choir__slug=choir_slug,
            choir__members__user=request.user,
            choir__members__active=True,
        )
        .select_related("venue")
        .annotate(coming=Count("attendances", filter=Q(attendances__status="yes")))
        .order_by("-starts_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse(
        {
            "page": page.number,
            "pages": page.paginator.num_pages,
            "rehearsals": [
                {
                    "id": r.id,
                    "title": r.title or "Rehearsal",
                    "starts_at": r.starts_at.isoformat(),
                    "venue": r.venue.name,
                    "coming": r.coming,
                }
                for r in page.object_list
            ],
        }
    )
