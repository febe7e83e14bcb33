"""Lets survey owners export responses to a CSV file and download it later."""
import csv
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from .models import Answer, Survey, SurveyResponse

EXPORT_DIR = os.path.join(settings.MEDIA_ROOT, "exports")


@login_required
@require_POST
def export_responses(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id, owner=request.user)
    filename = request.POST.get("filename") or f"survey-{survey.pk}.csv"
    path = os.path.join(EXPORT_DIR, filename)  # expect: SEC015
    os.makedirs(EXPORT_DIR, exist_ok=True)

    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(["response_id", "submitted_at", "question", "answer"])
        for response in SurveyResponse.objects.filter(survey=survey).order_by("submitted_at"):
            answers = Answer.objects.filter(response=response).select_related("question")  # expect: DB001
            for answer in answers:
                writer.writerow([response.pk, response.submitted_at.isoformat(), answer.question.text, answer.value])
                rows += 1

    return JsonResponse({"file": filename, "rows": rows})


@login_required
@require_GET
def download_export(request):
    filename = request.GET.get("file", "")
    path = os.path.join(EXPORT_DIR, filename)  # expect: SEC015
    if not os.path.isfile(path):
        return JsonResponse({"error": "export not found"}, status=404)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=os.path.basename(path))
