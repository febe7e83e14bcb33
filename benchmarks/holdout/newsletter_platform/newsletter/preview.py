from flask import Blueprint
from flask_login import current_user, login_required
from jinja2 import BaseLoader, Environment, select_autoescape
from markupsafe import Markup

from newsletter.links import unsubscribe_url
from newsletter.models import Campaign, Subscriber

bp = Blueprint("preview", __name__)

_env = Environment(loader=BaseLoader(), autoescape=select_autoescape(default_for_string=True))


def render_campaign_html(campaign: Campaign, subscriber: Subscriber | None = None) -> str:
    if subscriber is not None and subscriber.first_name:
        greeting = Markup(f"<p>Hi {subscriber.first_name},</p>")  # expect: SEC016
    else:
        greeting = Markup("<p>Hi there,</p>")  # ok: SEC016
    template = _env.from_string(campaign.body_template)  # expect: SEC016
    return template.render(
        greeting=greeting,
        campaign=campaign,
        unsubscribe_url=unsubscribe_url(subscriber) if subscriber is not None else "#",
    )


@bp.get("/campaigns/<int:campaign_id>/preview")
@login_required
def preview_campaign(campaign_id: int):
    campaign = Campaign.query.filter_by(id=campaign_id, account_id=current_user.account_id).first_or_404()
    sample = (
        Subscriber.query.filter_by(list_id=campaign.list_id, status="active").order_by(Subscriber.id).first()
    )
    return render_campaign_html(campaign, sample)
