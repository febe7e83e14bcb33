"""Tool-shed lending API used by the shed tablet and the members' app."""
import logging
from datetime import timedelta

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from garden.api.permissions import IsActiveMember, IsShedKeeper
from garden.models import Tool, ToolLoan

logger = logging.getLogger("garden.tools")
LOAN_DAYS = 7


class ToolLoanSerializer(serializers.ModelSerializer):
    tool_name = serializers.CharField(source="tool.name", read_only=True)
    member_name = serializers.CharField(source="member.user.get_full_name", read_only=True)

    class Meta:
        model = ToolLoan
        fields = ["id", "tool", "tool_name", "member_name", "borrowed_at", "due_back", "returned_at"]


class BorrowToolView(APIView):
    permission_classes = [IsAuthenticated, IsActiveMember]

    def post(self, request, tool_id):
        tool = get_object_or_404(Tool, pk=tool_id)
        if tool.available_count < 1:
            return Response({"detail": f"Every {tool.name} is out on loan."}, status=status.HTTP_409_CONFLICT)
        tool.available_count -= 1
        tool.save(update_fields=["available_count"])  # expect: DB004, DB005
        loan = ToolLoan.objects.create(
            tool=tool,
            member=request.user.member,
            due_back=timezone.localdate() + timedelta(days=LOAN_DAYS),
        )
        logger.info("member %s borrowed tool %s (loan %s)", request.user.member.pk, tool.pk, loan.pk)
        return Response(ToolLoanSerializer(loan).data, status=status.HTTP_201_CREATED)


class ReturnToolView(APIView):
    permission_classes = [IsAuthenticated, IsActiveMember]

    def post(self, request, loan_id):
        loan = get_object_or_404(ToolLoan, pk=loan_id)  # expect: SEC018
        closed = ToolLoan.objects.filter(pk=loan.pk, returned_at__isnull=True).update(returned_at=timezone.now())
        if not closed:
            return Response({"detail": "This loan is already closed."}, status=status.HTTP_409_CONFLICT)
        Tool.objects.filter(pk=loan.tool_id).update(available_count=F("available_count") + 1)  # ok: DB004
        logger.info("loan %s returned by user %s", loan.pk, request.user.pk)
        loan.refresh_from_db()
        return Response(ToolLoanSerializer(loan).data)


class LoanHistoryView(APIView):
    permission_classes = [IsAuthenticated, IsShedKeeper]

    def get(self, request):
        loans = ToolLoan.objects.select_related("tool", "member__user").order_by("-borrowed_at")
        if "tool" in request.query_params:
            loans = loans.filter(tool_id=request.query_params["tool"])
        return Response(ToolLoanSerializer(loans, many=True).data)  # expect: DB002


class MyLoansView(APIView):
    permission_classes = [IsAuthenticated, IsActiveMember]

    def get(self, request):
        loans = (
            ToolLoan.objects.filter(member=request.user.member, returned_at__isnull=True)
            .select_related("tool", "member__user")
            .order_by("due_back")
        )
        return Response(ToolLoanSerializer(loans, many=True).data)  # ok: DB002
