"""Streams a survey's responses to the owner as CSV without building the file on disk."""
import csv

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from .models import Answer, Survey, SurveyResponse

HEADER = ["response_id", "submitted_at", "question", "answer"]


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def stream_responses(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id, owner=request.user)
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .order_by("submitted_at")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(HEADER)
        for response in responses.iterator(chunk_size=500):
            for answer in response.answers.all():  # ok: DB001
                yield writer.writerow(
                    [response.pk, response.submitted_at.isoformat(), answer.question.text, answer.value]
                )

    streaming = StreamingHttpResponse(rows(), content_type="text/csv")
    streaming["Content-Disposition"] = f'attachment; filename="{slugify(survey.title) or survey.pk}.csv"'
    return streaming
