"""Chat room history with keyset pagination, message search and posting for the chat backend."""

import logging
from datetime import datetime

from fastapi import Depends, FastAPI, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, joinedload

from .auth import current_member
from .db import get_db
from .models import Member, Message, Room

app = FastAPI(title="chat-feed")
logger = logging.getLogger(__name__)

SEARCH_SQL = text(
    "SELECT id, body, sent_at FROM messages "
    "WHERE room_id = :room_id AND body_tsv @@ plainto_tsquery('simple', :q) "
    "ORDER BY sent_at DESC LIMIT 50"
)


class NewMessage(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


def _serialize(message: Message) -> dict:
    return {
        "id": message.id,
        "body": message.body,
        "sent_at": message.sent_at.isoformat(),
        "sender": {"id": message.sender.id, "name": message.sender.display_name, "avatar": message.sender.avatar_url},
    }


@app.get("/rooms/{room_id}/messages")
def room_feed(
    room_id: int,
    before: datetime | None = None,
    limit: int = Query(50, ge=1, le=200),
    db: Session = Depends(get_db),
    member: Member = Depends(current_member),
):
    member.require_room(room_id)
    query = select(Message).options(joinedload(Message.sender)).where(Message.room_id == room_id)
    if before is not None:
        query = query.where(Message.sent_at < before)
    messages = db.scalars(query.order_by(Message.sent_at.desc()).limit(limit)).all()  # ok: DB002
    items = [_serialize(m) for m in messages]  # ok: DB001
    return {"items": items, "next_before": items[-1]["sent_at"] if len(items) == limit else None}


@app.get("/rooms/{room_id}/search")
def search_room(room_id: int, q: str, db: Session = Depends(get_db), member: Member = Depends(current_member)):
    member.require_room(room_id)
    rows = db.execute(SEARCH_SQL, {"room_id": room_id, "q": q})  # ok: SEC001
    return [dict(row._mapping) for row in rows]


@app.post("/rooms/{room_id}/messages", status_code=201)
def post_message(
    room_id: int,
    payload: NewMessage,
    db: Session = Depends(get_db),
    member: Member = Depends(current_member),
):
    member.require_room(room_id)
    bumped = db.execute(  # ok: DB004
        update(Room)
        .where(Room.id == room_id)
        .values(message_count=Room.message_count + 1, last_message_at=func.now())
    ).rowcount
    if bumped == 0:
        raise HTTPException(status_code=404, detail="room not found")
    message = Message(room_id=room_id, sender_id=member.id, body=payload.body)
    db.add(message)
    db.commit()
    db.refresh(message)
    logger.info("message %s posted in room %s by member %s", message.id, room_id, member.id)
    return _serialize(message)
