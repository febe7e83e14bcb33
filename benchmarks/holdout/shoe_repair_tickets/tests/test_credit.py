"""Store credit ledger and the counter redemption endpoint."""
from django.contrib.auth.models import Permission, User
from django.test import TestCase, override_settings
from django.urls import reverse

from credit.ledger import issue_credit, redeem
from credit.models import CreditEntry, StoreCreditAccount
from tickets.models import Customer, RepairTicket

STAFF_PASSWORD = "counter-staff-test-pw"  # ok: SEC005


@override_settings(SMS_API_KEY="test-sms-key", SMS_WEBHOOK_SECRET="test-webhook-secret")  # ok: SEC005
class LedgerTests(TestCase):
    def setUp(self):
        self.customer = Customer.objects.create(name="Rosa Diaz", phone="+13125550101")
        self.ticket = RepairTicket.objects.create(
            claim_number="104233",
            customer=self.customer,
            item_description="brown oxfords",
            work_requested="half soles, heel caps",
            quoted_cents=6500,
        )

    def test_issue_creates_account_and_entry(self):
        issue_credit(customer_id=self.customer.pk, amount_cents=2000, reason=CreditEntry.Reason.REDO)
        account = StoreCreditAccount.objects.get(customer=self.customer)
        assert account.balance_cents == 2000  # ok: SEC017
        assert account.entries.count() == 1

    def test_redeem_never_goes_negative(self):
        issue_credit(customer_id=self.customer.pk, amount_cents=1500, reason=CreditEntry.Reason.GOODWILL)
        applied = redeem(customer_id=self.customer.pk, amount_cents=5000, ticket_id=self.ticket.pk)
        self.assertEqual(applied, 1500)
        self.assertEqual(StoreCreditAccount.objects.get(customer=self.customer).balance_cents, 0)
        self.assertEqual(redeem(customer_id=self.customer.pk, amount_cents=100), 0)

    def test_redeem_without_account_is_zero(self):
        self.assertEqual(redeem(customer_id=self.customer.pk, amount_cents=100), 0)
        self.assertFalse(StoreCreditAccount.objects.filter(customer=self.customer).exists())

    def test_issue_rejects_non_positive_amounts(self):
        with self.assertRaises(ValueError):
            issue_credit(customer_id=self.customer.pk, amount_cents=0, reason=CreditEntry.Reason.REDO)


class RedeemEndpointTests(TestCase):
    def setUp(self):
        self.staff = User.objects.create_user("counter", password=STAFF_PASSWORD)
        self.staff.user_permissions.add(Permission.objects.get(codename="change_storecreditaccount"))
        customer = Customer.objects.create(name="Sam Okoro", phone="+13125550102")
        self.ticket = RepairTicket.objects.create(
            claim_number="104234",
            customer=customer,
            item_description="black boots",
            work_requested="zip replacement",
            quoted_cents=4000,
        )
        issue_credit(customer_id=customer.pk, amount_cents=1000, reason=CreditEntry.Reason.GOODWILL)

    def test_partial_redemption(self):
        self.client.login(username="counter", password=STAFF_PASSWORD)
        resp = self.client.post(reverse("credit:redeem", args=[self.ticket.pk]), {"amount_cents": 4000})
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp.json()["applied_cents"], 1000)
        self.assertEqual(resp.json()["still_due_cents"], 3000)

    def test_requires_login(self):
        resp = self.client.post(reverse("credit:redeem", args=[self.ticket.pk]), {"amount_cents": 100})
        self.assertEqual(resp.status_code, 302)
