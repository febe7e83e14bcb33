"""Chat room history, message search and posting for the chat backend."""

import logging

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import func, text
from sqlalchemy.orm import Session

from .db import get_db
from .models import Message, Room, User

app = FastAPI(title="chat-history")
logger = logging.getLogger(__name__)


class NewMessage(BaseModel):
    sender_id: int
    body: str


def _serialize(db: Session, message: Message) -> dict:
    sender = db.query(User).filter(User.id == message.sender_id).one()
    return {
        "id": message.id,
        "body": message.body,
        "sent_at": message.sent_at.isoformat(),
        "sender": {"id": sender.id, "name": sender.display_name, "avatar": sender.avatar_url},
    }


@app.get("/rooms/{room_id}/messages")
def room_history(room_id: int, db: Session = Depends(get_db)):
    messages = db.query(Message).filter(Message.room_id == room_id).order_by(Message.sent_at).all()  # expect: DB002
    return [_serialize(db, m) for m in messages]  # expect: DB001


@app.get("/rooms/{room_id}/search")
def search_room(room_id: int, q: str, db: Session = Depends(get_db)):
    try:
        rows = db.execute(text(f"SELECT id, body, sent_at FROM messages WHERE room_id = {room_id} AND body ILIKE '%{q}%' ORDER BY sent_at DESC LIMIT 50"))  # expect: SEC001  # todo-expect: DB006
    except Exception as exc:
        logger.error("search failed: " + str(exc))  # expect: OBS002
        raise HTTPException(status_code=500, detail="search failed")
    return [dict(row._mapping) for row in rows]


@app.get("/rooms/{room_id}/attachments/{file_id}")
def attachment_message(room_id: int, file_id: str, db: Session = Depends(get_db)):
    message = (
        db.query(Message)
        .filter(Message.room_id == room_id, Message.attachments_json.contains(file_id))  # todo-expect: DB006
        .first()
    )
    if message is None:
        raise HTTPException(status_code=404, detail="attachment not found")
    return _serialize(db, message)


@app.post("/rooms/{room_id}/messages", status_code=201)
def post_message(room_id: int, payload: NewMessage, db: Session = Depends(get_db)):  # todo-expect: SEC018
    room = db.get(Room, room_id)
    if room is None:
        raise HTTPException(status_code=404, detail="room not found")
    message = Message(room_id=room_id, sender_id=payload.sender_id, body=payload.body)
    db.add(message)
    room.message_count = room.message_count + 1  # expect: DB004
    room.last_message_at = func.now()
    db.commit()
    db.refresh(message)
    return _serialize(db, message)
