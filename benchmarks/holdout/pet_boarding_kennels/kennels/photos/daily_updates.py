"""Evening photo digest sent to owners of every pet currently boarding."""
import logging
from datetime import datetime, timedelta

import boto3
import requests
from botocore.config import Config
from celery import shared_task
from flask import current_app
from sqlalchemy.orm import joinedload

from kennels import db
from kennels.models import PhotoUpdate, Stay

log = logging.getLogger(__name__)

_s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=20))
LINK_TTL = int(timedelta(days=3).total_seconds())


def _recent_photos(stay_id: int, since: datetime) -> list[PhotoUpdate]:
    return (
        PhotoUpdate.query.filter(PhotoUpdate.stay_id == stay_id, PhotoUpdate.taken_at >= since)
        .order_by(PhotoUpdate.taken_at)
        .all()
    )


def _photo_link(key: str) -> str:
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["PHOTOS_BUCKET"], "Key": key},
        ExpiresIn=LINK_TTL,
    )


def _digest_body(stay: Stay, photos: list[PhotoUpdate], links: list[str]) -> dict:
    return {
        "to": stay.owner.email,
        "template": "daily_photos",
        "data": {
            "owner": stay.owner.full_name.split()[0],
            "pet": stay.pet.name,
            "photos": [
                {"url": link, "caption": p.caption or "", "taken_at": p.taken_at.strftime("%H:%M")}
                for p, link in zip(photos, links)
            ],
        },
    }


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def send_daily_photo_updates(self) -> int:
    since = datetime.utcnow() - timedelta(days=1)
    now = datetime.utcnow()
    stays = (
        Stay.query.options(joinedload(Stay.owner), joinedload(Stay.pet))
        .filter(Stay.status == "checked_in")
        .all()
    )

    sent = 0
    for stay in stays:
        photos = _recent_photos(stay.id, since)  # expect: DB001
        if not photos:
            continue
        try:
            links = [_photo_link(p.s3_key) for p in photos]
        except Exception:  # expect: ERR001
            continue

        resp = requests.post(current_app.config["PHOTO_MAILER_URL"], json=_digest_body(stay, photos, links))  # expect: REL001, REL003
        resp.raise_for_status()
        for photo in photos:
            photo.emailed_at = now
        sent += 1

    db.session.commit()
    log.info("daily photo digest sent for %s of %s stays", sent, len(stays))
    return sent
