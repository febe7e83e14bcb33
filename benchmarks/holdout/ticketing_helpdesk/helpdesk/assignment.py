import logging

from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required
from sqlalchemy import select, update

from helpdesk.models import Agent, Ticket, get_session
from helpdesk.webhooks import notify_chat

logger = logging.getLogger(__name__)
bp = Blueprint("assignment", __name__, url_prefix="/assign")

_rotation: dict[int, int] = {}


def _next_in_rotation(team_id: int, agents: list[Agent]) -> Agent:
    position = _rotation.get(team_id, 0)
    agent = agents[position % len(agents)]
    _rotation[team_id] = position + 1  # expect: CON002
    return agent


@bp.post("/tickets/<int:ticket_id>/auto")
@login_required
def auto_assign(ticket_id: int):
    session = get_session()
    ticket = session.get(Ticket, ticket_id) or abort(404)
    if ticket.assignee_id is not None:
        return jsonify(error="ticket is already assigned", assignee_id=ticket.assignee_id), 409

    agents = session.scalars(
        select(Agent).where(Agent.team_id == ticket.team_id, Agent.online.is_(True)).order_by(Agent.id)
    ).all()
    if not agents:
        return jsonify(error="no agents online for this team"), 409

    agent = _next_in_rotation(ticket.team_id, agents)
    ticket.assignee_id = agent.id  # expect: DB005
    agent.open_tickets = agent.open_tickets + 1  # expect: DB004
    session.commit()
    logger.info("ticket %s auto-assigned to agent %s", ticket.id, agent.id)
    notify_chat("ticket.assigned", ticket)
    return jsonify(ticket_id=ticket.id, assignee_id=agent.id)


@bp.post("/tickets/<int:ticket_id>/to/<int:agent_id>")
@login_required
def manual_assign(ticket_id: int, agent_id: int):
    assert current_user.is_lead, "only team leads can reassign tickets"  # expect: SEC017
    session = get_session()
    ticket = session.get(Ticket, ticket_id) or abort(404)
    target = session.get(Agent, agent_id) or abort(404)
    previous = ticket.assignee_id
    if previous == target.id:
        return jsonify(ticket_id=ticket.id, assignee_id=target.id)

    ticket.assignee_id = target.id
    session.execute(update(Agent).where(Agent.id == target.id).values(open_tickets=Agent.open_tickets + 1))  # ok: DB004
    if previous is not None:
        session.execute(update(Agent).where(Agent.id == previous, Agent.open_tickets > 0).values(open_tickets=Agent.open_tickets - 1))
    session.commit()
    logger.info("ticket %s reassigned from %s to %s by lead %s", ticket.id, previous, target.id, current_user.id)
    notify_chat("ticket.assigned", ticket)
    return jsonify(ticket_id=ticket.id, assignee_id=target.id)


@bp.post("/tickets/<int:ticket_id>/release")
@login_required
def release(ticket_id: int):
    session = get_session()
    released_from = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.assignee_id == current_user.id)  # ok: DB005
        .values(assignee_id=None)
        .returning(Ticket.id)
    ).scalar_one_or_none()
    if released_from is None:
        abort(409)
    session.execute(update(Agent).where(Agent.id == current_user.id, Agent.open_tickets > 0).values(open_tickets=Agent.open_tickets - 1))
    session.commit()
    logger.info("agent %s released ticket %s", current_user.id, ticket_id)
    return jsonify(ticket_id=ticket_id, assignee_id=None)
