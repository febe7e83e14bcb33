import logging
from datetime import date, timedelta

from django.core.mail import send_mail
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from membership.models import Membership

log = logging.getLogger(__name__)


class MembershipSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="name", read_only=True)
    member_name = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "number", "member_name", "tier", "started_on", "expires_on",
                  "renewal_count", "status"]
        read_only_fields = ["number", "started_on", "expires_on", "renewal_count", "status"]


class MembershipViewSet(viewsets.ModelViewSet):
    queryset = Membership.objects.select_related("member", "tier").all()  # expect: SEC018
    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "post"]

    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        membership = self.get_object()
        if membership.status == "cancelled":
            return Response({"detail": "Cancelled memberships cannot be renewed."},
                            status=status.HTTP_409_CONFLICT)
        start = max(membership.expires_on, date.today())
        membership.expires_on = start + timedelta(days=365)
        membership.renewal_count += 1
        membership.status = "active"
        membership.save(update_fields=["expires_on", "renewal_count", "status"])  # expect: DB004
        log.info("membership %s renewed to %s by user %s", membership.number,
                 membership.expires_on, request.user.pk)
        send_mail(  # expect: REL004
            "Thank you for renewing",
            f"Your membership {membership.number} now runs until {membership.expires_on:%d %B %Y}.",
            None,
            [membership.member.email],
        )
        return Response(MembershipSerializer(membership).data)

    @action(detail=False, methods=["get"], permission_classes=[IsAdminUser])
    def lapsed(self, request):
        cutoff = date.today() - timedelta(days=int(request.query_params.get("days", 30)))
        lapsed = list(Membership.objects.filter(expires_on__lt=date.today(),  # expect: DB002
                                                expires_on__gte=cutoff, status="active"))
        rows = []
        for membership in lapsed:
            member = membership.member  # expect: DB001
            rows.append({
                "number": membership.number,
                "name": str(member),
                "email": member.email,
                "expired_on": membership.expires_on.isoformat(),
            })
        return Response({"count": len(rows), "results": rows})

    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def cancel(self, request, pk=None):
        updated = Membership.objects.filter(pk=pk).exclude(status="cancelled").update(
            status="cancelled")
        if not updated:
            return Response({"detail": "Not found or already cancelled."},
                            status=status.HTTP_404_NOT_FOUND)
        log.info("membership %s cancelled by staff %s", pk, request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
