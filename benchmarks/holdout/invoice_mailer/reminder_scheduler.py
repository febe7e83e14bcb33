"""Flask service for overdue-reminder settings; sends the reminders every morning."""
import logging
import os

import requests
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify, request

from .tasks import email_overdue_reminder

log = logging.getLogger(__name__)
app = Flask(__name__)

BILLING_API = os.environ.get("BILLING_API_URL", "http://billing.internal/api")
REMINDER_DAYS = (7, 14, 30)

_settings_cache: dict[int, dict] = {}  # expect: SCL001, RES002


def send_overdue_reminders() -> None:
    for days in REMINDER_DAYS:
        resp = requests.get(f"{BILLING_API}/invoices/overdue", params={"days": days}, timeout=20)  # ok: REL001
        resp.raise_for_status()
        for invoice in resp.json()["invoices"]:
            email_overdue_reminder.delay(invoice["id"], days)
    log.info("overdue reminders queued")


scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(send_overdue_reminders, "cron", hour=8, minute=0, id="overdue-reminders")
scheduler.start()  # expect: SCL003


@app.get("/reminders/settings/<int:account_id>")
def get_reminder_settings(account_id: int):
    if account_id in _settings_cache:
        return jsonify(_settings_cache[account_id])
    resp = requests.get(f"{BILLING_API}/accounts/{account_id}/reminders", timeout=5)  # ok: REL001
    if resp.status_code == 404:
        return jsonify(error="account not found"), 404
    resp.raise_for_status()
    _settings_cache[account_id] = resp.json()  # expect: CON002
    return jsonify(_settings_cache[account_id])


@app.put("/reminders/settings/<int:account_id>")
def update_reminder_settings(account_id: int):
    body = request.get_json(force=True)
    enabled = bool(body.get("enabled", True))
    days = [d for d in body.get("days", REMINDER_DAYS) if d in REMINDER_DAYS]
    resp = requests.put(
        f"{BILLING_API}/accounts/{account_id}/reminders",
        json={"enabled": enabled, "days": days},
        timeout=5,
    )
    resp.raise_for_status()
    _settings_cache[account_id] = {"enabled": enabled, "days": days}  # expect: CON002
    return jsonify(enabled=enabled, days=days)
