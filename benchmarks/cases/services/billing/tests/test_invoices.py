"""Tests for the invoice export job against a stubbed accounting API."""
from datetime import date
from unittest import mock

import pytest
import responses

from billing import invoice_export
from billing.models import Customer, Invoice

ACCOUNTING_TOKEN = "acc_test_token_9f8e7d6c5b4a"  # ok: SEC005
STRIPE_TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005


@pytest.fixture()
def invoice_rows(db_session):
    customer = Customer(id=1, external_id="cust_001", email="billing@acme.example")
    invoice = Invoice(
        id=10,
        customer_id=1,
        number="INV-0010",
        total_cents=4200,
        status="open",
        due_date=date(2024, 5, 1),
        finalized_at=date.today(),
    )
    db_session.add_all([customer, invoice])
    db_session.commit()
    return invoice


@responses.activate
def test_export_pushes_each_invoice_once(invoice_rows, db_session):
    responses.put(
        "https://api.ledgerly.example/v2/invoices/INV-0010",
        json={"id": "ext_inv_10"},
    )
    with mock.patch.object(invoice_export.settings, "token", ACCOUNTING_TOKEN):
        result = invoice_export.export_invoices.run(days_back=1)

    assert result == {"exported": 1}  # ok: SEC017
    assert len(responses.calls) == 1  # ok: SEC017
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {ACCOUNTING_TOKEN}"
    db_session.refresh(invoice_rows)
    assert invoice_rows.external_id == "ext_inv_10"


@responses.activate
def test_export_raises_on_server_error(invoice_rows):
    responses.put("https://api.ledgerly.example/v2/invoices/INV-0010", status=502)
    with pytest.raises(Exception):
        invoice_export.export_invoices.run(days_back=1)
