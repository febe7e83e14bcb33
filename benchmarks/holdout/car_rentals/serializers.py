"""DRF serializers for the mobile app and partner API."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from .models import Car, DamageCharge, Reservation

MAX_RENTAL = timedelta(days=30)


class CarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Car
        fields = ["id", "plate", "make", "model", "category", "branch", "daily_rate_cents"]


class ReservationSerializer(serializers.ModelSerializer):
    car = CarSerializer(read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "car", "starts_at", "ends_at", "status", "deposit_cents", "created_at"]


class ReservationCreateSerializer(serializers.Serializer):
    car_id = serializers.IntegerField(min_value=1)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    payment_method_id = serializers.RegexField(r"^pm_[A-Za-z0-9]+$", max_length=64)

    def validate(self, attrs):
        if attrs["starts_at"] < timezone.now():
            raise serializers.ValidationError("a rental cannot start in the past")
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError("the return time must be after the pickup time")
        if attrs["ends_at"] - attrs["starts_at"] > MAX_RENTAL:
            raise serializers.ValidationError("rentals longer than 30 days need a long-term contract")
        return attrs


class ReturnSerializer(serializers.Serializer):
    odometer_km = serializers.IntegerField(min_value=0)
    fuel_level = serializers.IntegerField(min_value=0, max_value=100)
    damage_cents = serializers.IntegerField(min_value=0, max_value=5_000_000, default=0)
    damage_description = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["damage_cents"] and not attrs.get("damage_description"):
            raise serializers.ValidationError("describe the damage being charged")
        return attrs


class DamageChargeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DamageCharge
        fields = ["id", "amount_cents", "description", "status", "created_at"]
        read_only_fields = fields
