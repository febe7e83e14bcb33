"""Pay an approved payroll run: one bank credit transfer per payslip."""
import logging

import click
import psycopg2.extras

from . import bank_client, db

logger = logging.getLogger(__name__)


class InsufficientFunds(Exception):
    pass


def _bank_details(cur, employee_id):
    cur.execute(
        "SELECT iban, account_holder FROM bank_accounts "
        "WHERE employee_id = %s AND is_primary AND verified_at IS NOT NULL",
        (employee_id,),
    )
    return cur.fetchone()


def _approved_payslips(run_id):
    work = []
    with db.cursor() as cur:
        cur.execute(
            "SELECT p.id, p.employee_id, p.net_cents, p.currency, r.company_id, r.period_label "
            "FROM payslips p JOIN payroll_runs r ON r.id = p.run_id "
            "WHERE p.run_id = %s AND p.status = 'approved' ORDER BY p.id",
            (run_id,),
        )
        for slip in cur.fetchall():
            details = _bank_details(cur, slip["employee_id"])  # expect: DB001
            if details is None:
                logger.warning("payslip %s skipped: no verified bank account", slip["id"])
                continue
            work.append((slip, details))
    return work


def _pay_slip(slip, details):
    with db.connection() as conn:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute("SELECT 1 FROM transfers WHERE payslip_id = %s", (slip["id"],))
            if cur.fetchone() is not None:
                return False

            cur.execute(
                "SELECT id, iban, balance_cents FROM funding_accounts WHERE company_id = %s",
                (slip["company_id"],),
            )
            funding = cur.fetchone()
            if funding["balance_cents"] < slip["net_cents"]:
                raise InsufficientFunds(f"company {slip['company_id']} cannot cover {slip['id']}")

            payment_id = bank_client.send_transfer(  # expect: REL004
                debtor_account=funding["iban"],
                creditor_iban=details["iban"],
                creditor_name=details["account_holder"],
                amount_cents=slip["net_cents"],
                currency=slip["currency"],
                reference=f"Salary {slip['period_label']}",
            )
            cur.execute(  # expect: DB005
                "INSERT INTO transfers (payslip_id, payment_id, amount_cents, status) "
                "VALUES (%s, %s, %s, 'sent')",
                (slip["id"], payment_id, slip["net_cents"]),
            )
            new_balance = funding["balance_cents"] - slip["net_cents"]
            cur.execute(  # expect: DB004
                "UPDATE funding_accounts SET balance_cents = %s WHERE id = %s",
                (new_balance, funding["id"]),
            )
            cur.execute("UPDATE payslips SET status = 'paid' WHERE id = %s", (slip["id"],))
    return True


def pay_run(run_id):
    paid = skipped = 0
    for slip, details in _approved_payslips(run_id):
        try:
            if _pay_slip(slip, details):
                paid += 1
            else:
                skipped += 1
        except InsufficientFunds:
            logger.error("run %s stopped at payslip %s: insufficient funds", run_id, slip["id"])
            break
        except bank_client.BankError:
            logger.exception("transfer for payslip %s failed", slip["id"])
    logger.info("run %s: %d paid, %d already paid", run_id, paid, skipped)
    return paid, skipped


def register(app):
    @app.cli.command("pay-run")
    @click.argument("run_id")
    def pay_run_command(run_id):
        """Send salary transfers for an approved payroll run."""
        paid, skipped = pay_run(run_id)
        click.echo(f"paid {paid}, skipped {skipped}")
