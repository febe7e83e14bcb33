from flask import Blueprint, render_template, request

from newsletter.models import Campaign, MailingList

bp = Blueprint("archive", __name__)

PER_PAGE = 20


@bp.get("/l/<slug>/archive")
def list_archive(slug: str):
    mailing_list = MailingList.query.filter_by(slug=slug, public=True).first_or_404()
    page = request.args.get("page", 1, type=int)
    campaigns = (
        Campaign.query.filter_by(list_id=mailing_list.id, status="sent")
        .order_by(Campaign.sent_at.desc())
        .paginate(page=page, per_page=PER_PAGE, error_out=False)  # ok: DB002
    )
    return render_template("archive/index.html", mailing_list=mailing_list, campaigns=campaigns)  # ok: SEC016


@bp.get("/l/<slug>/feed.xml")
def list_feed(slug: str):
    mailing_list = MailingList.query.filter_by(slug=slug, public=True).first_or_404()
    campaigns = (
        Campaign.query.filter_by(list_id=mailing_list.id, status="sent")
        .order_by(Campaign.sent_at.desc())
        .limit(PER_PAGE)  # ok: DB002
        .all()
    )
    body = render_template("archive/feed.xml", mailing_list=mailing_list, campaigns=campaigns)
    return body, 200, {"Content-Type": "application/rss+xml; charset=utf-8"}
