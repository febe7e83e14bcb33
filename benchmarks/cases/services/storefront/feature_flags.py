"""Runtime feature flags for the storefront, toggled from the ops console without a deploy."""
import logging

from flask import Blueprint, abort, jsonify, request

from .auth import staff_required

logger = logging.getLogger(__name__)

flags_bp = Blueprint("feature_flags", __name__, url_prefix="/ops/flags")

DEFAULT_FLAGS = {
    "new_checkout": False,
    "gift_cards": True,
    "recommendations_widget": False,
}

_flags = dict(DEFAULT_FLAGS)  # expect: SCL001


def is_enabled(name: str) -> bool:
    """Used by templates and views to branch on a flag."""
    return _flags.get(name, False)


@flags_bp.route("", methods=["GET"])
@staff_required
def list_flags():
    return jsonify({"flags": _flags})


@flags_bp.route("/<name>", methods=["PUT"])
def set_flag(name):  # todo-expect: SEC018
    """Turn a flag on or off for the storefront."""
    if name not in DEFAULT_FLAGS:
        abort(404)
    payload = request.get_json(silent=True) or {}
    enabled = payload.get("enabled")
    if not isinstance(enabled, bool):
        return jsonify({"error": "enabled must be true or false"}), 400

    _flags[name] = enabled  # expect: CON002
    logger.info("feature flag %s set to %s", name, enabled)
    return jsonify({"flag": name, "enabled": enabled})


@flags_bp.route("/reset", methods=["POST"])
@staff_required
def reset_flags():
    _flags.update(DEFAULT_FLAGS)  # expect: CON002
    logger.info("feature flags reset to defaults")
    return jsonify({"flags": _flags})
