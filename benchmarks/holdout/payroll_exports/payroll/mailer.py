"""E-mail notices to employees when their payslip is published."""
import logging
import smtplib
import ssl
from email.message import EmailMessage

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from . import db

logger = logging.getLogger(__name__)

NOTICE_BODY = """Hello {first_name},

Your payslip for {period} is now available in the employee portal:
{portal_url}

For security reasons the payslip itself is not attached to this e-mail.

Payroll team
"""


def _build_notice(config, to_addr, first_name, period, portal_url):
    msg = EmailMessage()
    msg["From"] = config.mail_from
    msg["To"] = to_addr
    msg["Subject"] = f"Your payslip for {period} is ready"
    msg.set_content(
        NOTICE_BODY.format(first_name=first_name, period=period, portal_url=portal_url)
    )
    return msg


def _open_smtp(config):
    server = smtplib.SMTP(config.smtp_host, config.smtp_port)  # expect: REL001, RES001
    server.starttls(context=ssl.create_default_context())
    if config.smtp_user:
        server.login(config.smtp_user, config.smtp_password)
    return server


@retry(
    retry=retry_if_exception_type((smtplib.SMTPServerDisconnected, ConnectionError)),
    stop=stop_after_attempt(3),  # ok: REL002
    wait=wait_exponential(multiplier=2, max=30),
    reraise=True,
)
def send_payslip_notice(config, employee_id, to_addr, first_name, period, portal_url):
    msg = _build_notice(config, to_addr, first_name, period, portal_url)
    server = _open_smtp(config)  # expect: RES001
    server.send_message(msg)  # expect: REL003
    server.quit()
    logger.info("payslip notice for %s sent to employee %s", period, employee_id)  # ok: SEC007


def notify_run_published(config, run_id, portal_base_url):
    sql = (
        "SELECT p.id, e.id AS employee_id, e.email, e.first_name, r.period_label "
        "FROM payslips p JOIN employees e ON e.id = p.employee_id "
        "JOIN payroll_runs r ON r.id = p.run_id "
        "WHERE p.run_id = %s AND p.notified_at IS NULL AND e.email IS NOT NULL"
    )
    sent = failed = 0
    for row in db.stream(sql, (run_id,)):  # ok: DB001
        try:
            send_payslip_notice(
                config,
                row["employee_id"],
                row["email"],
                row["first_name"],
                row["period_label"],
                f"{portal_base_url}/payslips/{row['id']}",
            )
        except (smtplib.SMTPException, OSError):
            failed += 1
            logger.exception("notice for payslip %s failed", row["id"])
            continue
        with db.cursor() as cur:  # ok: DB003
            cur.execute("UPDATE payslips SET notified_at = now() WHERE id = %s", (row["id"],))
        sent += 1
    logger.info("run %s notices: %d sent, %d failed", run_id, sent, failed)
    return sent, failed
