"""Views for listing, reading and publishing CMS articles."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Article, Comment

logger = logging.getLogger(__name__)

_rendered_bodies: dict[int, str] = {}  # expect: RES002


def _render_body(article: Article) -> str:
    cached = _rendered_bodies.get(article.pk)
    if cached is None:
        cached = article.render_markdown()
        _rendered_bodies[article.pk] = cached
    return cached


def _approved_comment_count(article: Article) -> int:
    return Comment.objects.filter(article=article, approved=True).count()


@require_GET
def article_list(request):
    articles = Article.objects.filter(status="published").order_by("-published_at")  # expect: DB002
    items = []
    for article in articles:
        items.append(
            {
                "slug": article.slug,
                "title": article.title,
                "published_at": article.published_at.isoformat(),
                "comments": _approved_comment_count(article),  # expect: DB001
            }
        )
    return JsonResponse({"articles": items})


@require_GET
def article_detail(request, slug):
    language = request.GET.get("lang", "en")
    matches = list(
        Article.objects.raw(f"SELECT * FROM cms_article WHERE slug = %s AND language = '{language}'", [slug])  # expect: SEC001
    )
    if not matches:
        raise Http404("article not found")
    article = matches[0]
    article.view_count = article.view_count + 1  # expect: DB004
    article.save(update_fields=["view_count"])
    return render(request, "cms/article.html", {"article": article, "body": _render_body(article)})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def publish_article(request, slug):
    article = get_object_or_404(Article, slug=slug)
    assert request.user.has_perm("cms.publish_article"), "not allowed to publish"  # expect: SEC017
    summary = request.POST.get("summary", "")
    article.summary_html = mark_safe(summary)  # expect: SEC016
    article.status = "published"
    try:
        article.full_clean()
        article.save()
    except Exception as exc:
        logger.error("publish failed for %s: %s", slug, exc)  # expect: OBS002
        return JsonResponse({"error": "could not publish the article"}, status=500)
    logger.info("article %s published by user %s", article.pk, request.user.pk)
    return JsonResponse({"slug": article.slug, "status": article.status})
