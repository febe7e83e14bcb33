import base64
import logging
import threading
import time
from collections import Counter

from flask import Blueprint, Flask, Response, abort, redirect
from sqlalchemy import update

from newsletter.extensions import db
from newsletter.models import Campaign, CampaignLink

bp = Blueprint("tracking", __name__)
logger = logging.getLogger(__name__)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
FLUSH_SECONDS = 15

_opens: Counter = Counter()


@bp.get("/t/o/<int:campaign_id>.gif")
def track_open(campaign_id: int):
    _opens[campaign_id] += 1  # expect: CON002
    return Response(PIXEL, mimetype="image/gif", headers={"Cache-Control": "no-store, max-age=0"})


@bp.get("/t/c/<int:link_id>")
def track_click(link_id: int):
    link = db.session.get(CampaignLink, link_id)
    if link is None:
        abort(404)
    db.session.execute(
        update(CampaignLink).where(CampaignLink.id == link_id).values(clicks=CampaignLink.clicks + 1)  # ok: DB004
    )
    db.session.commit()
    return redirect(link.url, code=302)


def _flush_opens(app: Flask) -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        pending = dict(_opens)
        _opens.clear()
        if not pending:
            continue
        with app.app_context():
            try:
                for campaign_id, count in pending.items():
                    db.session.execute(
                        update(Campaign).where(Campaign.id == campaign_id).values(opens=Campaign.opens + count)
                    )
                db.session.commit()
            except Exception:
                db.session.rollback()
                logger.exception("could not store open counts for %d campaigns", len(pending))


def init_tracking(app: Flask) -> None:
    app.register_blueprint(bp)
    threading.Thread(target=_flush_opens, args=(app,), name="open-count-flusher", daemon=True).start()  # ok: SCL003
