"""RSVPs from the rehearsal reminder e-mail and the section leader's register."""
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rehearsals.models import Attendance, Member, Rehearsal

logger = logging.getLogger(__name__)

ANSWERS = {"yes", "no", "maybe"}


def _member_for(request, choir_id):
    return get_object_or_404(Member, user=request.user, choir_id=choir_id, active=True)


# The reminder e-mail has one-click "I'm coming" buttons that post here.
@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def rsvp(request, rehearsal_id):
    rehearsal = get_object_or_404(Rehearsal, pk=rehearsal_id, starts_at__gt=timezone.now())
    member = _member_for(request, rehearsal.choir_id)
    answer = request.POST.get("answer", "").lower()
    if answer not in ANSWERS:
        return JsonResponse({"error": "answer must be yes, no or maybe"}, status=400)

    if answer == "yes" and rehearsal.room_capacity:
        coming = (
            Attendance.objects.filter(rehearsal=rehearsal, status="yes")
            .exclude(member=member)
            .count()
        )
        if coming >= rehearsal.room_capacity:
            return JsonResponse({"error": "the room is full for this rehearsal"}, status=409)

    attendance, _ = Attendance.objects.update_or_create(  # expect: DB005
        rehearsal=rehearsal, member=member, defaults={"status": answer}
    )
    logger.info("member %s answered %s for rehearsal %s", member.id, answer, rehearsal.id)
    return JsonResponse({"rehearsal": rehearsal.id, "status": attendance.status})


@login_required
@require_POST
def mark_present(request, rehearsal_id, member_id):
    rehearsal = get_object_or_404(Rehearsal, pk=rehearsal_id)
    leader = _member_for(request, rehearsal.choir_id)
    if not leader.is_section_leader:
        return JsonResponse({"error": "only section leaders can take the register"}, status=403)
    singer = get_object_or_404(Member, pk=member_id, choir_id=rehearsal.choir_id)

    attendance, _ = Attendance.objects.get_or_create(
        rehearsal=rehearsal, member=singer, defaults={"status": "yes"}
    )
    if attendance.checked_in_at is not None:
        return JsonResponse({"error": "already marked present"}, status=409)
    attendance.checked_in_at = timezone.now()
    attendance.save(update_fields=["checked_in_at", "updated_at"])  # expect: DB005

    singer.rehearsals_attended += 1
    singer.save(update_fields=["rehearsals_attended"])  # expect: DB004
    logger.info(
        "leader %s marked member %s present at rehearsal %s", leader.id, singer.id, rehearsal.id
    )
    return JsonResponse(
        {"member": singer.id, "present": True, "rehearsals_attended": singer.rehearsals_attended}
    )


@login_required
@require_POST
def undo_present(request, rehearsal_id, member_id):
    rehearsal = get_object_or_404(Rehearsal, pk=rehearsal_id)
    leader = _member_for(request, rehearsal.choir_id)
    if not leader.is_section_leader:
        return JsonResponse({"error": "only section leaders can take the register"}, status=403)
    updated = Attendance.objects.filter(
        rehearsal=rehearsal, member_id=member_id, checked_in_at__isnull=False
    ).update(checked_in_at=None)
    return JsonResponse({"member": member_id, "present": False, "changed": bool(updated)})
