"""CSV upload of lab results from partner labs without an HL7 feed."""

import csv
import io
import logging

from rest_framework import generics
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ImportBatch, LabOrder, LabResult
from .serializers import CsvRowSerializer, ImportBatchSerializer

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = {"order_number", "accession_number", "test_code", "test_name", "value", "resulted_at"}


class IsLabStaff(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.groups.filter(name="lab-staff").exists())


class CsvResultImportView(APIView):
    permission_classes = [IsAuthenticated, IsLabStaff]
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "file is required"}, status=400)
        if not upload.name.lower().endswith(".csv"):
            return Response({"detail": "only .csv files are accepted"}, status=400)

        text = upload.read().decode("utf-8-sig")  # expect: SEC019, RES003
        reader = csv.DictReader(io.StringIO(text))
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
        if missing:
            return Response({"detail": f"missing columns: {', '.join(sorted(missing))}"}, status=400)
        rows = list(reader)

        order_numbers = {row.get("order_number", "").strip() for row in rows}
        orders = LabOrder.objects.in_bulk(order_numbers, field_name="order_number")
        batch = ImportBatch.objects.create(source="csv", filename=upload.name[:200], created_by=request.user)

        created, errors = 0, []
        for line_no, row in enumerate(rows, start=2):
            serializer = CsvRowSerializer(data=row)
            if not serializer.is_valid():
                errors.append({"line": line_no, "errors": serializer.errors})
                continue
            data = dict(serializer.validated_data)
            order = orders.get(data.pop("order_number"))
            if order is None:
                errors.append({"line": line_no, "errors": {"order_number": ["unknown order"]}})
                continue
            LabResult.objects.create(order=order, **data)  # expect: DB003
            created += 1

        ImportBatch.objects.filter(pk=batch.pk).update(rows_created=created, rows_failed=len(errors))
        print(f"csv import {batch.pk}: {created} created, {len(errors)} failed")  # expect: OBS001
        return Response(
            {"batch_id": batch.pk, "created": created, "failed": len(errors), "errors": errors[:100]},
            status=201,
        )


class ImportBatchListView(generics.ListAPIView):
    serializer_class = ImportBatchSerializer
    permission_classes = [IsAuthenticated, IsLabStaff]
    queryset = ImportBatch.objects.select_related("created_by").order_by("-created_at")  # ok: DB002


class ImportBatchDetailView(generics.RetrieveAPIView):
    serializer_class = ImportBatchSerializer
    permission_classes = [IsAuthenticated, IsLabStaff]
    queryset = ImportBatch.objects.select_related("created_by")
