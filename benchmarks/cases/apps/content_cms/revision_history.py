"""Views for browsing an article's revision history and restoring an older revision."""

import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from .models import Article, Revision

logger = logging.getLogger(__name__)

REVISIONS_PER_PAGE = 25


@require_GET
@login_required
def revision_list(request, slug):
    article = get_object_or_404(Article, slug=slug)
    revisions = (
        Revision.objects.filter(article=article)
        .select_related("author")
        .annotate(comment_count=Count("review_comments"))
        .order_by("-created_at")
    )
    page = Paginator(revisions, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))  # ok: DB002
    rows = []
    for revision in page.object_list:
        rows.append(
            {
                "id": revision.pk,
                "author": revision.author.get_full_name(),  # ok: DB001
                "comments": revision.comment_count,
                "created_at": revision.created_at.isoformat(),
            }
        )
    return JsonResponse({"revisions": rows, "page": page.number, "pages": page.paginator.num_pages})


@require_GET
@login_required
def revision_diff(request, slug, revision_id):
    article = get_object_or_404(Article, slug=slug)
    language = request.GET.get("lang", "en")
    older = Revision.objects.raw(  # ok: SEC001
        "SELECT * FROM cms_revision WHERE article_id = %s AND language = %s AND id < %s ORDER BY id DESC LIMIT 1",
        [article.pk, language, revision_id],
    )
    current = get_object_or_404(Revision, pk=revision_id, article=article)
    previous = next(iter(older), None)
    return render(request, "cms/revision_diff.html", {"article": article, "current": current, "previous": previous})


@require_POST
@login_required
@permission_required("cms.change_article", raise_exception=True)
def restore_revision(request, slug, revision_id):
    article = get_object_or_404(Article, slug=slug)
    if article.locked_by_id not in (None, request.user.pk):
        raise PermissionDenied("the article is being edited by someone else")
    revision = get_object_or_404(Revision, pk=revision_id, article=article)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(  # ok: DB004
            body=revision.body,
            title=revision.title,
            revision_count=F("revision_count") + 1,
        )
        Revision.objects.create(article=article, author=request.user, body=revision.body, title=revision.title)
    logger.info("article %s restored to revision %s by user %s", article.pk, revision.pk, request.user.pk)
    return JsonResponse({"restored": revision.pk})
