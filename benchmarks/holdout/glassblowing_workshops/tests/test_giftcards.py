"""API tests for gift card balance lookups and redemption."""
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APITestCase

from giftcards import services
from giftcards.models import GiftCard
from workshops.models import Booking, Instructor, Workshop, WorkshopSession

TEST_PASSWORD = "kiln-test-pass-1"  # ok: SEC005


@override_settings(STRIPE_SECRET_KEY="sk_test_not_a_real_key", DEBUG=True)  # ok: SEC005, SEC006
class GiftCardApiTests(APITestCase):
    def setUp(self):
        users = get_user_model()
        self.student = users.objects.create_user("tess", "tess@example.com", TEST_PASSWORD)
        teacher = users.objects.create_user("ivo", "ivo@example.com", TEST_PASSWORD)
        instructor = Instructor.objects.create(user=teacher, display_name="Ivo")
        workshop = Workshop.objects.create(title="Paperweights", slug="paperweights", instructor=instructor,
                                           price_cents=9500)
        session = WorkshopSession.objects.create(workshop=workshop, starts_at="2030-05-01T17:00:00Z")
        self.booking = Booking.objects.create(session=session, user=self.student, seats=1, amount_cents=9500,
                                              status="pending")
        self.card = GiftCard.objects.create(code="TESTCODE0001", initial_cents=5000, balance_cents=5000)
        self.client.login(username="tess", password=TEST_PASSWORD)

    def test_balance_lookup(self):
        resp = self.client.post("/api/giftcards/balance/", {"code": "testcode0001"}, format="json")
        assert resp.status_code == 200
        assert resp.json()["balance_cents"] == 5000

    def test_unknown_code_is_404(self):
        resp = self.client.post("/api/giftcards/balance/", {"code": "NOPE"}, format="json")
        assert resp.status_code == 404

    def test_redeem_caps_at_balance(self):
        resp = self.client.post("/api/giftcards/redeem/",
                                {"code": "TESTCODE0001", "booking_id": self.booking.pk}, format="json")
        assert resp.status_code == 200
        self.card.refresh_from_db()
        assert self.card.balance_cents == 0

    def test_service_redeem_is_idempotent(self):
        first = services.redeem("TESTCODE0001", self.booking, 1000, "key-1")
        again = services.redeem("TESTCODE0001", self.booking, 1000, "key-1")
        assert first.pk == again.pk
        self.card.refresh_from_db()
        assert self.card.balance_cents == 4000

    @mock.patch("giftcards.services.send_card_email")
    def test_card_for_payment_creates_once(self, send_email):
        with self.captureOnCommitCallbacks(execute=True):
            services.card_for_payment("pi_test_1", purchaser_id=self.student.pk, amount_cents=2500,
                                      recipient_email="a@example.com", recipient_name="A")
            services.card_for_payment("pi_test_1", purchaser_id=self.student.pk, amount_cents=2500,
                                      recipient_email="a@example.com", recipient_name="A")
        assert GiftCard.objects.filter(payment_intent_id="pi_test_1").count() == 1
        send_email.delay.assert_called_once()
