"""Survey submission and survey closing endpoints used by the survey web pages."""
import json
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Answer, Question, Survey, SurveyResponse

log = logging.getLogger(__name__)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def submit_response(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id, is_open=True)
    try:
        payload = json.loads(request.body)
    except:  # expect: ERR001
        payload = {}

    questions = {q.pk: q for q in Question.objects.filter(survey=survey)}
    response = SurveyResponse.objects.create(survey=survey, respondent=request.user)
    answers = []
    for question_id, value in payload.get("answers", {}).items():
        question = questions.get(int(question_id))
        if question is None:
            continue
        answers.append(Answer(response=response, question=question, value=str(value)[:2000]))
    Answer.objects.bulk_create(answers)  # ok: DB001
    log.info("survey %s: response %s with %d answers", survey.pk, response.pk, len(answers))
    return JsonResponse({"response_id": response.pk}, status=201)


@login_required
@require_POST
def close_survey(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id)
    assert survey.owner_id == request.user.id, "only the owner can close a survey"  # expect: SEC017
    survey.is_open = False
    survey.save(update_fields=["is_open"])
    log.info("survey %s closed by %s", survey.pk, request.user.pk)
    return JsonResponse({"closed": True})


@login_required
@require_POST
def reopen_survey(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id, owner=request.user)
    survey.is_open = True
    survey.save(update_fields=["is_open"])
    return JsonResponse({"closed": False})
