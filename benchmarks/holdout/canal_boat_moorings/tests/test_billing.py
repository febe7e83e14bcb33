"""Billing behaviour with Stripe mocked out."""
from datetime import date
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings

from marina import billing
from marina.models import Berth, Boat, ContractCharge, Marina, WinterContract

TEST_STRIPE_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005


@override_settings(STRIPE_SECRET_KEY=TEST_STRIPE_KEY, STRIPE_WEBHOOK_SECRET="whsec_test")  # ok: SEC005
class ContractChargeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        owner = get_user_model().objects.create_user("skipper", "skipper@example.com", "narrowboat-test-pw")  # ok: SEC005
        marina = Marina.objects.create(code="BRK", name="Braunston", waterway="Grand Union")
        berth = Berth.objects.create(
            marina=marina, label="A12", max_length_m=Decimal("21.50"), nightly_pence=1800, winter_monthly_pence=21000
        )
        boat = Boat.objects.create(owner=owner, name="Kingfisher", index_number="512345", length_m=Decimal("17.40"))
        cls.contract = WinterContract.objects.create(
            berth=berth, boat=boat, season="2024/2025", monthly_pence=21000,
            stripe_customer_id="cus_test", stripe_payment_method_id="pm_card_visa", next_charge_on=date(2024, 12, 1),
        )

    @mock.patch("marina.billing.stripe.PaymentIntent.create")
    def test_charge_sends_idempotency_key(self, create):
        create.return_value = mock.Mock(id="pi_1", status="succeeded")
        self.assertEqual(billing.charge_contract_period(self.contract, "2024-12"), "paid")
        kwargs = create.call_args.kwargs
        self.assertEqual(kwargs["idempotency_key"], f"winter-contract-{self.contract.pk}-2024-12")
        self.assertEqual(kwargs["amount"], 21000)

    @mock.patch("marina.billing.stripe.PaymentIntent.create")
    def test_second_run_does_not_charge_again(self, create):
        create.return_value = mock.Mock(id="pi_1", status="succeeded")
        billing.charge_contract_period(self.contract, "2024-12")
        billing.charge_contract_period(self.contract, "2024-12")
        self.assertEqual(create.call_count, 1)
        self.assertEqual(ContractCharge.objects.filter(contract=self.contract).count(), 1)

    def test_deposit_has_a_floor(self):
        booking = mock.Mock(total_pence=1200)
        assert billing.deposit_amount(booking) == billing.MIN_DEPOSIT_PENCE  # ok: SEC017
