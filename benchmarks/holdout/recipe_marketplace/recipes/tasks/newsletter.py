import logging
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ..models import NewsletterSubscriber, Recipe

logger = logging.getLogger(__name__)

SUBJECT = "Fresh recipes this week"
PICKS = 8


def _send(to: str, subject: str, html: str) -> None:
    resp = requests.post(  # expect: REL001
        f"{settings.MAIL_API_URL}/messages",
        json={
            "from": "Recipe Market <hello@recipes.example.com>",
            "to": [to],
            "subject": subject,
            "html": html,
        },
        headers={"Authorization": f"Bearer {settings.MAIL_API_KEY}"},
    )
    resp.raise_for_status()


def _render(subscriber: NewsletterSubscriber, recipes: list) -> str:
    items = "".join(
        f'<li><a href="{settings.SITE_URL}/r/{r.slug}">{r.title}</a> by {r.creator.display_name}'  # expect: SEC016
        f"{' &middot; premium' if r.is_premium else ''}</li>"
        for r in recipes
    )
    unsubscribe = f"{settings.SITE_URL}/newsletter/unsubscribe/{subscriber.unsubscribe_token}"
    return (
        "<html><body>"
        "<h1>This week's picks</h1>"
        f"<ul>{items}</ul>"
        f'<p style="font-size:12px"><a href="{unsubscribe}">Unsubscribe</a></p>'
        "</body></html>"
    )


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=3)
def send_weekly_newsletter(self) -> int:
    since = timezone.now() - timedelta(days=7)
    recipes = list(
        Recipe.objects.filter(published_at__gte=since)
        .select_related("creator")  # ok: DB001
        .order_by("-rating_total")[:PICKS]
    )
    if not recipes:
        logger.info("no new recipes this week, newsletter skipped")
        return 0

    sent = 0
    subscribers = NewsletterSubscriber.objects.filter(active=True).order_by("id")
    for subscriber in subscribers.iterator(chunk_size=1000):  # ok: RES003
        _send(subscriber.email, SUBJECT, _render(subscriber, recipes))  # expect: REL003
        sent += 1

    NewsletterSubscriber.objects.filter(active=True).update(last_sent_at=timezone.now())
    print(f"weekly newsletter delivered to {sent} subscribers")  # expect: OBS001
    return sent
