"""Drop-off booking and route claim tests."""
import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from fridgenet.models import Donor, DropOff, DropOffSlot, Driver, Fridge, PickupRoute

DONOR_PASSWORD = "pass-for-tests-only"  # ok: SEC005


@override_settings(DEBUG=True, SMS_GATEWAY_TOKEN="test-token")  # ok: SEC006
class DropOffBookingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        user_model = get_user_model()
        cls.coordinator = user_model.objects.create_user("coord", password=DONOR_PASSWORD)
        cls.donor_user = user_model.objects.create_user("donor", password=DONOR_PASSWORD)
        cls.donor = Donor.objects.create(user=cls.donor_user, display_name="Sam")
        cls.fridge = Fridge.objects.create(
            name="Market St", slug="market-st", address="1 Market St", postcode="M1 1AA", coordinator=cls.coordinator
        )
        start = timezone.now() + timedelta(days=1)
        cls.slot = DropOffSlot.objects.create(
            fridge=cls.fridge, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=1
        )

    def setUp(self):
        self.client.login(username="donor", password=DONOR_PASSWORD)

    def test_booking_twice_is_rejected(self):
        url = reverse("book-slot", args=[self.slot.pk])
        first = self.client.post(url, data=json.dumps({"notes": "two bags"}), content_type="application/json")
        second = self.client.post(url, data=json.dumps({}), content_type="application/json")
        self.assertEqual(first.status_code, 201)
        self.assertEqual(second.status_code, 409)
        self.assertEqual(DropOff.objects.filter(slot=self.slot).count(), 1)

    def test_cancel_only_own_dropoff(self):
        other = get_user_model().objects.create_user("other", password=DONOR_PASSWORD)
        other_donor = Donor.objects.create(user=other, display_name="Alex")
        dropoff = DropOff.objects.create(slot=self.slot, donor=other_donor)
        resp = self.client.post(reverse("cancel-dropoff", args=[dropoff.pk]))
        assert resp.status_code == 409  # ok: SEC017
        dropoff.refresh_from_db()
        self.assertEqual(dropoff.status, DropOff.Status.BOOKED)


class RouteClaimTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        user_model = get_user_model()
        cls.user = user_model.objects.create_user("driver", password=DONOR_PASSWORD)
        cls.driver = Driver.objects.create(user=cls.user, phone="+447700900123", phone_verified=True,
                                           home_postcode="M2 2BB")
        cls.route = PickupRoute.objects.create(date=timezone.localdate() + timedelta(days=2))

    def test_claim_then_second_claim_conflicts(self):
        self.client.login(username="driver", password=DONOR_PASSWORD)
        url = reverse("claim-route", args=[self.route.pk])
        self.assertEqual(self.client.post(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 409)
        self.route.refresh_from_db()
        self.assertEqual(self.route.driver_id, self.driver.pk)
