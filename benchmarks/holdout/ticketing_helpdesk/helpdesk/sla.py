import logging
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from helpdesk.models import Agent, BusinessHours, Team, Ticket, get_session

logger = logging.getLogger(__name__)

OPEN_STATES = ("open", "pending", "on_hold")
MAX_DAYS_AHEAD = 60


def _business_hours(session, team_id):
    return session.scalars(select(BusinessHours).where(BusinessHours.team_id == team_id)).all()


def _due_at(created_at, minutes, hours):
    if not hours:
        return created_at + timedelta(minutes=minutes)
    by_weekday = {h.weekday: h for h in hours}
    cursor = created_at
    remaining = float(minutes)
    for _ in range(MAX_DAYS_AHEAD):
        window = by_weekday.get(cursor.weekday())
        if window is not None:
            opens = cursor.replace(hour=window.opens_at.hour, minute=window.opens_at.minute, second=0, microsecond=0)
            closes = cursor.replace(hour=window.closes_at.hour, minute=window.closes_at.minute, second=0, microsecond=0)
            start = max(opens, cursor)
            if start < closes:
                available = (closes - start).total_seconds() / 60
                if available >= remaining:
                    return start + timedelta(minutes=remaining)
                remaining -= available
        cursor = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return cursor


def _send_escalation(ticket, to_address):
    cfg = current_app.config
    msg = EmailMessage()
    msg["Subject"] = f"[SLA breach] #{ticket.id} {ticket.subject}"
    msg["From"] = cfg["SUPPORT_ADDRESS"]
    msg["To"] = to_address
    msg.set_content(
        f"Ticket #{ticket.id} from {ticket.requester_email} passed its resolution deadline "
        f"({ticket.sla_due_at:%Y-%m-%d %H:%M} UTC) and is still {ticket.status}."
    )
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"]) as smtp:  # expect: REL001
        smtp.starttls()
        if cfg["SMTP_USER"]:
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(msg)


def check_sla():
    session = get_session()
    now = datetime.now(timezone.utc)
    teams = {t.id: t for t in session.scalars(select(Team)).all()}
    leads = {a.team_id: a for a in session.scalars(select(Agent).where(Agent.is_lead.is_(True))).all()}
    tickets = session.scalars(
        select(Ticket).where(Ticket.status.in_(OPEN_STATES), Ticket.sla_breached.is_(False))
    ).all()

    breached = 0
    for ticket in tickets:
        team = teams.get(ticket.team_id)
        if team is None:
            continue
        hours = _business_hours(session, ticket.team_id)  # expect: DB001
        ticket.sla_due_at = _due_at(ticket.created_at, team.sla_resolution_min, hours)
        if ticket.sla_due_at > now:
            continue
        ticket.sla_breached = True
        session.commit()  # expect: DB003
        lead = leads.get(team.id)
        try:
            _send_escalation(ticket, lead.email if lead else current_app.config["SUPPORT_ADDRESS"])  # expect: REL004
        except (smtplib.SMTPException, OSError) as exc:
            print(f"SLA escalation mail failed for ticket {ticket.id}: {exc}")  # expect: OBS001
        breached += 1

    session.commit()
    logger.info("SLA check: %d open tickets checked, %d newly breached", len(tickets), breached)
    return breached
