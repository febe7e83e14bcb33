"""Renders appointment and delivery reminders as plain-text SMS and sends them through the SMS gateway."""

import logging
import os
from dataclasses import dataclass

import httpx
from jinja2 import Environment, StrictUndefined

logger = logging.getLogger(__name__)

GATEWAY_URL = "https://sms.gateway.example.net/v2/messages"
MAX_SMS_CHARS = 459

# SMS bodies are plain text
text_env = Environment(autoescape=False, undefined=StrictUndefined, trim_blocks=True)  # ok: SEC016
TEMPLATES = {
    "appointment": text_env.from_string("Hi {{ name }}, reminder: {{ what }} on {{ when }}. Reply STOP to opt out."),
    "delivery": text_env.from_string("Hi {{ name }}, your parcel {{ reference }} arrives {{ when }}."),
}


@dataclass(frozen=True)
class Reminder:
    reminder_id: str
    user_id: int
    kind: str
    context: dict


def opted_in_numbers(cur, user_ids: list[int]) -> dict[int, str]:
    cur.execute("SELECT user_id, phone FROM sms_preferences WHERE user_id = ANY(%s) AND opted_in", (user_ids,))  # ok: DB001
    return dict(cur.fetchall())


def render(reminder: Reminder) -> str:
    body = TEMPLATES[reminder.kind].render(**reminder.context)
    return body[:MAX_SMS_CHARS]


def send_reminders(cur, reminders: list[Reminder]) -> int:
    numbers = opted_in_numbers(cur, [r.user_id for r in reminders])
    sent = 0
    with httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0), headers={"Authorization": f"Bearer {os.environ['SMS_GATEWAY_TOKEN']}"}) as client:  # ok: REL001
        for reminder in reminders:
            phone = numbers.get(reminder.user_id)
            if phone is None:
                continue
            resp = client.post(GATEWAY_URL, json={"to": phone, "body": render(reminder)}, headers={"Idempotency-Key": reminder.reminder_id})
            if resp.status_code >= 400:
                logger.warning("gateway refused reminder %s with HTTP %d", reminder.reminder_id, resp.status_code)
                continue
            sent += 1
    logger.info("sent %d of %d reminders", sent, len(reminders))
    return sent
