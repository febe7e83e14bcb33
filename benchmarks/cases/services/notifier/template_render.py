"""Renders saved notification templates for sending and for the back-office preview pane."""
import logging

from flask import Blueprint, jsonify, render_template, render_template_string, request
from jinja2 import StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from .auth import editor_required
from .models import NotificationTemplate

logger = logging.getLogger(__name__)

render_bp = Blueprint("template_render", __name__, url_prefix="/templates")

SAMPLE_CONTEXT = {
    "customer": {"first_name": "Ada", "last_name": "Lovelace"},
    "order": {"number": "A-10293", "total": "42.00", "currency": "EUR"},
    "unsubscribe_url": "https://acme.example/unsubscribe/sample",
}

PREVIEW_FRAME = """<div class="preview-frame" data-template="{{ template_id }}">{{ html }}</div>"""

email_env = SandboxedEnvironment(  # ok: SEC016
    autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    undefined=StrictUndefined,
)


def render_body(template, context: dict) -> str:
    return email_env.from_string(template.body_html).render(**context)


@render_bp.route("/<int:template_id>/preview")
@editor_required
def preview_saved(template_id):
    template = NotificationTemplate.query.get_or_404(template_id)
    html = render_body(template, SAMPLE_CONTEXT)
    frame = render_template_string(PREVIEW_FRAME, template_id=template_id, html=html)  # ok: SEC016
    return jsonify({"subject": template.subject, "frame": frame})


@render_bp.route("/<int:template_id>/page")
@editor_required
def preview_page(template_id):
    template = NotificationTemplate.query.get_or_404(template_id)
    note = request.args.get("note", "")
    return render_template("templates/preview.html", template=template, note=note)  # ok: SEC016
