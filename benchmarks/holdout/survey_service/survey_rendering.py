"""Renders the public landing page of a survey with the owner's custom intro."""
import os

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from jinja2 import Environment, FileSystemLoader, Template

from .models import Survey

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "jinja")

env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False)  # expect: SEC016


def _intro_html(survey: Survey, respondent_name: str) -> str:
    if not survey.intro_template:
        return ""
    return Template(survey.intro_template).render(survey=survey, name=respondent_name)  # expect: SEC016


@require_GET
def landing_page(request, slug):
    survey = get_object_or_404(Survey, slug=slug, published=True)
    respondent_name = request.GET.get("name", "")
    page = env.get_template("landing.html").render(
        survey=survey,
        intro=_intro_html(survey, respondent_name),
        question_count=survey.questions.count(),
        respondent_name=respondent_name,
    )
    return HttpResponse(page)


@require_GET
def thank_you_page(request, slug):
    survey = get_object_or_404(Survey, slug=slug, published=True)
    page = env.get_template("thank_you.html").render(
        survey=survey,
        message=survey.thank_you_message or "Thanks for taking part!",
    )
    return HttpResponse(page)
