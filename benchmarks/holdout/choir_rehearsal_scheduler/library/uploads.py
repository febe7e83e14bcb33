"""Sheet-music library: librarians upload PDF scores for the choir."""
import logging
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from rehearsals.models import Choir, Member, SheetMusic

logger = logging.getLogger(__name__)

SCORES_ROOT = Path(settings.MEDIA_ROOT) / "scores"
_PAGES = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)


def _page_count(pdf_path: Path) -> int | None:
    result = subprocess.run(
        f"pdfinfo '{pdf_path}'",  # expect: SEC002
        shell=True,
        capture_output=True,
        text=True,
        timeout=20,
    )
    if result.returncode != 0:
        logger.warning("pdfinfo could not read %s: %s", pdf_path.name, result.stderr.strip())
        return None
    match = _PAGES.search(result.stdout)
    return int(match.group(1)) if match else None


def _librarian(request, choir):
    return get_object_or_404(
        Member,
        user=request.user,
        choir=choir,
        active=True,
        role__in=[Member.ROLE_LIBRARIAN, Member.ROLE_ADMIN],
    )


@login_required
@require_POST
def upload_score(request, choir_slug):
    choir = get_object_or_404(Choir, slug=choir_slug)
    librarian = _librarian(request, choir)
    upload = request.FILES.get("score")
    title = request.POST.get("title", "").strip()
    if upload is None or not title:
        return JsonResponse({"error": "score file and title are required"}, status=400)

    data = upload.read()  # expect: SEC019, RES003
    target = SCORES_ROOT / choir.slug / upload.name  # expect: SEC015
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)  # expect: SCL002

    score = SheetMusic.objects.create(
        choir=choir,
        title=title,
        composer=request.POST.get("composer", "").strip(),
        file_path=str(target),
        pages=_page_count(target),
        uploaded_by=librarian,
    )
    logger.info("librarian %s uploaded score %s (%d bytes)", librarian.id, score.id, len(data))
    return JsonResponse({"id": score.id, "title": score.title, "pages": score.pages}, status=201)


@login_required
@require_POST
def delete_score(request, choir_slug, score_id):
    choir = get_object_or_404(Choir, slug=choir_slug)
    librarian = _librarian(request, choir)
    score = get_object_or_404(SheetMusic, pk=score_id, choir=choir)
    path = Path(score.file_path)
    score.delete()
    try:
        path.unlink()
    except FileNotFoundError:
        logger.info("score file for %s was already gone", score_id)
    logger.info("librarian %s deleted score %s", librarian.id, score_id)
    return JsonResponse({"deleted": score_id})
