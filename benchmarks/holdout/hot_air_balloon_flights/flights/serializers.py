"""DRF serializers for the public booking API."""
from rest_framework import serializers

from .models import Booking, Flight, GiftVoucher, LaunchSite, Passenger, PilotLogEntry

MAX_PASSENGER_WEIGHT_KG = 127
MAX_PASSENGERS_PER_BOOKING = 8


class LaunchSiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = LaunchSite
        fields = ["id", "name", "slug", "latitude", "longitude"]


class FlightSerializer(serializers.ModelSerializer):
    site = LaunchSiteSerializer(read_only=True)
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Flight
        fields = ["id", "site", "flight_date", "session", "status", "seats_left"]

    def get_seats_left(self, obj):
        return max(obj.seats_total - obj.seats_booked, 0)


class PassengerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Passenger
        fields = ["full_name", "weight_kg"]

    def validate_weight_kg(self, value):
        if value < 20:
            raise serializers.ValidationError("Weight looks too low; please give it in kilograms.")
        if value > MAX_PASSENGER_WEIGHT_KG:
            raise serializers.ValidationError(
                f"For safety reasons passengers over {MAX_PASSENGER_WEIGHT_KG} kg must call us to book."
            )
        return value


class BookingCreateSerializer(serializers.Serializer):
    flight_id = serializers.IntegerField()
    passengers = PassengerSerializer(many=True)
    voucher_code = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def validate_passengers(self, value):
        if not value:
            raise serializers.ValidationError("At least one passenger is required.")
        if len(value) > MAX_PASSENGERS_PER_BOOKING:
            raise serializers.ValidationError(
                f"Bookings are limited to {MAX_PASSENGERS_PER_BOOKING} passengers."
            )
        return value


class BookingSerializer(serializers.ModelSerializer):
    flight = FlightSerializer(read_only=True)
    passenger_set = PassengerSerializer(many=True, read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id", "flight", "passengers", "total_weight_kg", "amount_pence",
            "status", "passenger_set", "created_at",
        ]
        read_only_fields = fields


class VoucherRedeemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    amount_pence = serializers.IntegerField(min_value=1)


class VoucherSerializer(serializers.ModelSerializer):
    class Meta:
        model = GiftVoucher
        fields = ["code", "balance_pence", "expires_on"]
        read_only_fields = fields


class PilotLogEntrySerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="flight.site.name", read_only=True)

    class Meta:
        model = PilotLogEntry
        fields = [
            "id", "site_name", "envelope_registration", "takeoff_at",
            "landing_at", "landing_site", "remarks",
        ]
