import logging
import smtplib
from datetime import date, timedelta

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from membership.models import Membership

log = logging.getLogger(__name__)


class RenewalSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "number", "tier", "expires_on", "renewal_count", "status"]
        read_only_fields = fields


class MyMembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    serializer_class = RenewalSerializer

    def get_queryset(self):
        return (Membership.objects.select_related("tier")
                .filter(member__user=self.request.user)  # ok: SEC018
                .order_by("-expires_on"))

    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        with transaction.atomic():
            membership = self.get_queryset().select_for_update(of=("self",)).get(pk=pk)
            if membership.status == "cancelled":
                return Response({"detail": "Cancelled memberships cannot be renewed."},
                                status=status.HTTP_409_CONFLICT)
            start = max(membership.expires_on, date.today())
            membership.expires_on = start + timedelta(days=365)
            membership.renewal_count += 1
            membership.status = "active"
            membership.save(update_fields=["expires_on", "renewal_count", "status"])  # ok: DB004
            transaction.on_commit(  # ok: REL004
                lambda: send_renewal_receipt.delay(membership.pk, membership.renewal_count))
        log.info("membership %s renewed to %s", membership.number, membership.expires_on)
        return Response(self.get_serializer(membership).data)


# Only retried when the SMTP connection was never established, so no mail went out.
@shared_task(bind=True, autoretry_for=(smtplib.SMTPConnectError, ConnectionRefusedError),
             retry_backoff=True, max_retries=5)
def send_renewal_receipt(self, membership_id, renewal_number):
    membership = Membership.objects.select_related("member").get(pk=membership_id)
    if membership.renewal_count != renewal_number:
        log.info("receipt for renewal %s of %s superseded", renewal_number, membership.number)
        return
    send_mail(  # ok: REL003
        "Thank you for renewing",
        f"Your membership {membership.number} now runs until {membership.expires_on:%d %B %Y}.",
        None,
        [membership.member.email],
    )


@shared_task
def expire_lapsed():
    grace = date.today() - timedelta(days=30)
    count = (Membership.objects.filter(status="active", expires_on__lt=grace)
             .update(status="lapsed"))
    log.info("marked %d memberships as lapsed", count)
    return count
