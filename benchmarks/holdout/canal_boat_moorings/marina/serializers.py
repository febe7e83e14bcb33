"""DRF serializers for the boater-facing API."""
from datetime import timedelta

from rest_framework import serializers

from .models import Berth, BerthBooking, Boat, LockPassagePermit, PumpOutRequest

MAX_STAY_NIGHTS = 28


class BerthSerializer(serializers.ModelSerializer):
    marina = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Berth
        fields = ["id", "marina", "label", "max_length_m", "has_shore_power", "nightly_pence"]


class BoatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Boat
        fields = ["id", "name", "index_number", "length_m"]


class BerthBookingSerializer(serializers.ModelSerializer):
    berth = serializers.PrimaryKeyRelatedField(queryset=Berth.objects.select_related("marina"))
    boat = serializers.PrimaryKeyRelatedField(queryset=Boat.objects.all())
    nights = serializers.SerializerMethodField()

    class Meta:
        model = BerthBooking
        fields = ["id", "berth", "boat", "arrives", "departs", "nights", "status", "total_pence"]
        read_only_fields = ["status", "total_pence"]

    def get_nights(self, obj):
        return (obj.departs - obj.arrives).days

    def validate(self, attrs):
        arrives, departs = attrs["arrives"], attrs["departs"]
        if departs <= arrives:
            raise serializers.ValidationError({"departs": "must be after arrival"})
        if departs - arrives > timedelta(days=MAX_STAY_NIGHTS):
            raise serializers.ValidationError({"departs": f"stays are limited to {MAX_STAY_NIGHTS} nights"})
        request = self.context.get("request")
        if request is not None and attrs["boat"].owner_id != request.user.id:
            raise serializers.ValidationError({"boat": "not one of your boats"})
        if attrs["boat"].length_m > attrs["berth"].max_length_m:
            raise serializers.ValidationError({"berth": "boat is too long for this berth"})
        return attrs


class PermitRequestSerializer(serializers.Serializer):
    boat = serializers.IntegerField()
    lock_name = serializers.CharField(max_length=60)
    date = serializers.DateField()


class LockPassagePermitSerializer(serializers.ModelSerializer):
    lock_name = serializers.CharField(source="lock_day.lock_name", read_only=True)
    date = serializers.DateField(source="lock_day.date", read_only=True)
    boat_name = serializers.CharField(source="boat.name", read_only=True)

    class Meta:
        model = LockPassagePermit
        fields = ["id", "permit_number", "lock_name", "date", "boat_name", "created_at"]


class PumpOutRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = PumpOutRequest
        fields = ["id", "marina", "boat", "requested_for", "status", "notes", "created_at"]
        read_only_fields = ["status", "created_at"]
