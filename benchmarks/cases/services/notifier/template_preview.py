"""Back-office preview of notification templates while the marketing team edits them."""
import logging

from flask import Blueprint, jsonify, render_template_string, request
from jinja2 import Environment, StrictUndefined

from .auth import editor_required
from .models import NotificationTemplate

logger = logging.getLogger(__name__)

preview_bp = Blueprint("template_preview", __name__, url_prefix="/templates")

SAMPLE_CONTEXT = {
    "customer": {"first_name": "Ada", "last_name": "Lovelace"},
    "order": {"number": "A-10293", "total": "42.00", "currency": "EUR"},
    "unsubscribe_url": "https://acme.example/unsubscribe/sample",
}

email_env = Environment(autoescape=False, undefined=StrictUndefined)  # expect: SEC016


@preview_bp.route("/preview", methods=["POST"])
@editor_required
def preview_draft():
    """Render the draft body the editor is typing, with sample data."""
    draft = request.form.get("body", "")
    html = render_template_string(draft, **SAMPLE_CONTEXT)  # expect: SEC016
    return jsonify({"html": html})


@preview_bp.route("/<int:template_id>/render", methods=["POST"])
@editor_required
def render_saved(template_id):
    """Render a saved template with the context the caller supplies."""
    template = NotificationTemplate.query.get_or_404(template_id)
    context = request.get_json(silent=True) or SAMPLE_CONTEXT
    compiled = email_env.from_string(template.body_html)
    logger.info("rendering template %s for preview", template_id)
    return jsonify({"subject": template.subject, "html": compiled.render(**context)})
