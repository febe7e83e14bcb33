"""DRF serializers for results, patients and CSV import rows."""

from rest_framework import serializers

from .models import ImportBatch, LabResult, Patient


class PatientSummarySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        fields = ["id", "mrn", "full_name", "date_of_birth", "unread_results"]


class LabResultSerializer(serializers.ModelSerializer):
    patient = PatientSummarySerializer(source="order.patient", read_only=True)
    order_number = serializers.CharField(source="order.order_number", read_only=True)
    is_critical = serializers.BooleanField(read_only=True)

    class Meta:
        model = LabResult
        fields = [
            "id",
            "accession_number",
            "order_number",
            "patient",
            "test_code",
            "test_name",
            "value",
            "units",
            "reference_range",
            "flag",
            "is_critical",
            "status",
            "resulted_at",
        ]
        read_only_fields = fields


class CsvRowSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=32)
    accession_number = serializers.CharField(max_length=32)
    test_code = serializers.RegexField(r"^[A-Z0-9_-]{1,20}$")
    test_name = serializers.CharField(max_length=120)
    value = serializers.CharField(max_length=60)
    units = serializers.CharField(max_length=20, required=False, allow_blank=True)
    reference_range = serializers.CharField(max_length=40, required=False, allow_blank=True)
    flag = serializers.ChoiceField(choices=[c for c, _ in LabResult.FLAGS], required=False, default="N")
    resulted_at = serializers.DateTimeField()

    def validate_value(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("value is required")
        return value


class ImportBatchSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()

    class Meta:
        model = ImportBatch
        fields = ["id", "source", "filename", "created_by", "created_at", "rows_created", "rows_failed"]
        read_only_fields = fields


class AbnormalRowSerializer(serializers.Serializer):
    result_id = serializers.IntegerField()
    accession_number = serializers.CharField()
    test_name = serializers.CharField()
    value = serializers.CharField()
    flag = serializers.CharField()
    patient_name = serializers.CharField()
    patient_mrn = serializers.CharField()
    resulted_at = serializers.DateTimeField()
