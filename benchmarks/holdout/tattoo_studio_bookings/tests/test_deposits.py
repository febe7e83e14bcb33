"""Deposit payment and refund tests (Stripe is mocked)."""
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bookings.models import Artist, Booking, Client, Deposit
from payments.refunds import RefundNotAllowed, refund_deposit

TEST_PASSWORD = "ink-and-needles-42"  # ok: SEC005


@override_settings(STRIPE_SECRET_KEY="sk_test_4eC39HqLyjWDarjtT1zdp7dc", DEBUG=True)  # ok: SEC005, SEC006
class DepositTests(TestCase):
    def setUp(self):
        User = get_user_model()
        self.artist_user = User.objects.create_user("mara", password=TEST_PASSWORD)
        self.client_user = User.objects.create_user("jo", email="jo@example.com", password=TEST_PASSWORD)
        self.artist = Artist.objects.create(user=self.artist_user, display_name="Mara", slug="mara",
                                            deposit_cents=5000, calendar_feed_token="feed-token")
        self.tattoo_client = Client.objects.create(user=self.client_user, name="Jo Bloggs",
                                                   email="jo@example.com", stripe_customer_id="cus_123")
        start = timezone.now() + timedelta(days=7)
        self.booking = Booking.objects.create(artist=self.artist, client=self.tattoo_client,
                                              starts_at=start, ends_at=start + timedelta(hours=3))
        self.client.login(username="jo", password=TEST_PASSWORD)

    @mock.patch("payments.deposits.stripe.PaymentIntent.create")
    def test_deposit_confirms_booking(self, create):
        create.return_value = SimpleNamespace(id="pi_1", amount=5000, status="succeeded")
        resp = self.client.post(reverse("pay-deposit", args=[self.booking.id]), {"payment_method": "pm_card_visa"})
        self.assertEqual(resp.status_code, 200)
        self.booking.refresh_from_db()
        self.assertEqual(self.booking.status, Booking.Status.CONFIRMED)
        self.assertEqual(self.booking.deposit_paid_cents, 5000)

    def test_other_clients_cannot_pay(self):
        get_user_model().objects.create_user("sam", password=TEST_PASSWORD)
        self.client.login(username="sam", password=TEST_PASSWORD)
        resp = self.client.post(reverse("pay-deposit", args=[self.booking.id]), {"payment_method": "pm_card_visa"})
        self.assertEqual(resp.status_code, 404)

    @mock.patch("payments.refunds.stripe.Refund.create")
    def test_refund_cannot_exceed_deposit(self, create):
        create.return_value = SimpleNamespace(id="re_1")
        Booking.objects.filter(pk=self.booking.pk).update(deposit_paid_cents=5000)
        deposit = Deposit.objects.create(booking=self.booking, stripe_payment_intent="pi_2",
                                         amount_cents=5000, status="succeeded")
        refund_deposit(deposit.id, 3000, "artist ill")
        with self.assertRaises(RefundNotAllowed):
            refund_deposit(deposit.id, 3000, "artist ill")
        self.assertEqual(create.call_count, 1)
