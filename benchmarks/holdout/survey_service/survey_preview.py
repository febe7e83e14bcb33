"""Lets a survey owner preview the landing page with their intro text before publishing."""
import os

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from jinja2 import Environment, FileSystemLoader, TemplateSyntaxError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from .models import Survey

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "jinja")

env = Environment(  # ok: SEC016
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html", "xml"]),
)
owner_templates = SandboxedEnvironment(autoescape=True)
MAX_INTRO_LENGTH = 5000


@login_required
@require_POST
def preview_landing_page(request, survey_id):
    survey = get_object_or_404(Survey, pk=survey_id, owner=request.user)
    intro_source = request.POST.get("intro_template", "")
    if len(intro_source) > MAX_INTRO_LENGTH:
        return JsonResponse({"error": "intro is too long"}, status=400)
    try:
        intro = owner_templates.from_string(intro_source).render(survey=survey, name="Preview")  # ok: SEC016
    except TemplateSyntaxError as exc:
        return JsonResponse({"error": f"intro template error on line {exc.lineno}"}, status=400)
    page = env.get_template("landing.html").render(
        survey=survey,
        intro=intro,
        question_count=survey.questions.count(),
        respondent_name="Preview",
        preview=True,
    )
    return HttpResponse(page)
