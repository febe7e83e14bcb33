"""REST endpoints for clinicians browsing lab results."""

import datetime as dt
import logging

from django.db import connection
from django.utils import timezone
from rest_framework import generics, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import LabResult
from .serializers import AbnormalRowSerializer, LabResultSerializer

log = logging.getLogger(__name__)

ABNORMAL_FLAGS = ("H", "L", "HH", "LL")
SEARCH_SQL = """
    SELECT r.id, r.accession_number, r.test_code, r.value, r.flag, r.resulted_at,
           p.mrn, p.first_name, p.last_name
    FROM clinic_lab_results_labresult r
    JOIN clinic_lab_results_laborder o ON o.id = r.order_id
    JOIN clinic_lab_results_patient p ON p.id = o.patient_id
    WHERE p.clinician_id = %s AND ({filter})
    ORDER BY r.resulted_at DESC
    LIMIT 50
"""


class LabResultViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LabResultSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        clinician = self.request.user.clinician
        queryset = (
            LabResult.objects.filter(order__patient__clinician=clinician)
            .select_related("order", "order__patient")  # ok: DB001
            .order_by("-resulted_at")
        )
        flag = self.request.query_params.get("flag")
        if flag in ABNORMAL_FLAGS:
            queryset = queryset.filter(flag=flag)
        return queryset


class AbnormalSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        try:
            days = min(int(request.query_params.get("days", "7")), 90)
        except ValueError:
            return Response({"detail": "days must be an integer"}, status=400)
        since = timezone.now() - dt.timedelta(days=days)
        results = LabResult.objects.filter(
            order__patient__clinician=request.user.clinician,
            flag__in=ABNORMAL_FLAGS,
            resulted_at__gte=since,
        ).order_by("-resulted_at")[:200]

        rows = []
        for result in results:
            patient = result.order.patient  # expect: DB001
            rows.append(
                {
                    "result_id": result.id,
                    "accession_number": result.accession_number,
                    "test_name": result.test_name,
                    "value": f"{result.value} {result.units}".strip(),
                    "flag": result.flag,
                    "patient_name": patient.full_name,
                    "patient_mrn": patient.mrn,
                    "resulted_at": result.resulted_at,
                }
            )
        return Response({"days": days, "results": AbnormalRowSerializer(rows, many=True).data})


class ResultSearchView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        term = request.query_params.get("q", "").strip()
        if len(term) < 2:
            return Response({"detail": "q must be at least 2 characters"}, status=400)
        name_filter = f"p.last_name ILIKE '{term}%%' OR p.mrn = '{term}'"
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_SQL.format(filter=name_filter), [request.user.clinician.id])  # expect: SEC001
            columns = [col[0] for col in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        log.info("clinician %s searched results, %d hits", request.user.clinician.id, len(rows))
        return Response({"results": rows})


class ResultByAccessionView(generics.RetrieveAPIView):
    serializer_class = LabResultSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "accession_number"
    queryset = LabResult.objects.select_related("order", "order__patient")  # todo-expect: SEC018


class MarkResultsReadView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, patient_id):
        patient = generics.get_object_or_404(
            request.user.clinician.patients.all(), pk=patient_id
        )
        type(patient).objects.filter(pk=patient.pk).update(unread_results=0)
        return Response({"patient_id": patient.pk, "unread_results": 0})
