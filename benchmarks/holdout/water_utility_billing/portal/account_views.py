"""Account maintenance: contact e-mail changes from the portal form, and late
fee waivers used by the customer service desk."""
from __future__ import annotations

import logging
import smtplib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from notices.mailer import send_verification_email
from utility.db import connection

log = logging.getLogger(__name__)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def update_contact_email(request):
    new_email = request.POST.get("email", "").strip().lower()
    try:
        validate_email(new_email)
    except ValidationError:
        return JsonResponse({"error": "invalid_email"}, status=400)
    with connection() as conn:
        conn.execute(
            "UPDATE customer_profiles SET email = %s, email_verified = false WHERE user_id = %s",
            (new_email, request.user.id),
        )
        conn.execute(
            "UPDATE accounts SET email = %s WHERE customer_user_id = %s",
            (new_email, request.user.id),
        )
    try:
        send_verification_email(new_email, request.user.id)
    except (smtplib.SMTPException, OSError) as exc:
        print(f"verification mail to user {request.user.id} failed: {exc}")  # expect: OBS001
    return JsonResponse({"status": "updated", "email": new_email})


class LateFeeWaiverView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, bill_id: int):
        assert request.user.is_staff, "only customer service can waive fees"  # expect: SEC017
        reason = str(request.data.get("reason", "")).strip()
        if not reason:
            return Response({"detail": "reason is required"}, status=status.HTTP_400_BAD_REQUEST)
        with connection() as conn:
            bill = conn.execute(
                "SELECT b.id, b.account_id, b.late_fee, a.balance FROM bills b "
                "JOIN accounts a ON a.id = b.account_id WHERE b.id = %s",
                (bill_id,),
            ).fetchone()
            if bill is None or bill["late_fee"] <= 0:
                return Response({"detail": "no late fee on this bill"}, status=status.HTTP_404_NOT_FOUND)
            conn.execute(
                "UPDATE bills SET late_fee = 0, fee_waived_by = %s, fee_waiver_reason = %s WHERE id = %s",
                (request.user.id, reason[:300], bill_id),
            )
            conn.execute(
                "UPDATE accounts SET balance = %s WHERE id = %s",  # expect: DB004, DB005
                (bill["balance"] - bill["late_fee"], bill["account_id"]),
            )
        log.info("late fee waived", extra={"bill_id": bill_id, "staff_id": request.user.id})
        return Response({"bill_id": bill_id, "waived": str(bill["late_fee"])})
