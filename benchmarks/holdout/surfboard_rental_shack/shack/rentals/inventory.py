"""Board and wetsuit stock, with reservations made in single atomic updates."""
from __future__ import annotations

import logging
import math
from datetime import datetime, timezone

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.database import Database

logger = logging.getLogger(__name__)

BOARD_KINDS = {"softtop", "longboard", "shortboard", "fish", "sup"}
WETSUIT_SIZES = {"XS", "S", "M", "L", "XL", "XXL", "K8", "K10", "K12"}


class OutOfStock(Exception):
    pass


def available_boards(db: Database, kind: str, size: str | None = None, limit: int = 50) -> list[dict]:
    query: dict = {"kind": kind, "status": "available"}
    if size:
        query["size"] = size
    cursor = db.boards.find(query, {"_id": 1, "kind": 1, "size": 1, "label": 1}).sort("label", 1).limit(limit)
    return [{**b, "_id": str(b["_id"])} for b in cursor]


def reserve_board(db: Database, board_id: str, rental_id: ObjectId) -> dict:
    board = db.boards.find_one_and_update(
        {"_id": ObjectId(board_id), "status": "available"},  # ok: DB005
        {"$set": {"status": "out", "rental_id": rental_id, "out_since": datetime.now(timezone.utc)}},
        return_document=ReturnDocument.AFTER,
    )
    if board is None:
        raise OutOfStock("board is already out")
    return board


def reserve_wetsuit(db: Database, size: str) -> None:
    if size not in WETSUIT_SIZES:
        raise ValueError(f"unknown wetsuit size {size}")
    result = db.wetsuits.update_one(
        {"size": size, "available": {"$gt": 0}},
        {"$inc": {"available": -1, "out": 1}},  # ok: DB004
    )
    if result.modified_count != 1:
        raise OutOfStock(f"no {size} wetsuits left")


def return_wetsuit(db: Database, size: str) -> None:
    db.wetsuits.update_one({"size": size, "out": {"$gt": 0}}, {"$inc": {"available": 1, "out": -1}})


def billable_hours(started_at: datetime, ended_at: datetime) -> int:
    """Hours charged: started hours, with ten minutes' grace, minimum one."""
    minutes = (ended_at - started_at).total_seconds() / 60
    return max(1, math.ceil(max(minutes - 10, 0) / 60))


def release_board(db: Database, board_id: ObjectId, rental_id: ObjectId, hours: int) -> bool:
    result = db.boards.update_one(
        {"_id": board_id, "rental_id": rental_id, "status": "out"},
        {"$set": {"status": "available"}, "$unset": {"rental_id": "", "out_since": ""}, "$inc": {"hours_used": hours}},
    )
    if result.modified_count != 1:
        logger.warning("board %s was not out on rental %s", board_id, rental_id)
        return False
    return True


def rental_price_pence(hours: int, *, board_rate: int, wetsuit_rate: int, wetsuit: bool) -> int:
    return hours * (board_rate + (wetsuit_rate if wetsuit else 0))
