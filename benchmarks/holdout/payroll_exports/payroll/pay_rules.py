"""Company-specific pay rules (allowances, deductions) defined in YAML by payroll admins."""
import json
import logging
import math
import os

import yaml
from flask import Blueprint, abort, jsonify, request

from . import db
from .app import current_user, role_required

logger = logging.getLogger(__name__)
bp = Blueprint("pay_rules", __name__)

BUILTIN_RULES_PATH = os.environ.get("PAYROLL_BUILTIN_RULES", "/etc/payroll/builtin_rules.yaml")
ALLOWED_KINDS = {"allowance", "deduction"}


def load_builtin_rules(path=BUILTIN_RULES_PATH):
    fh = open(path, encoding="utf-8")  # expect: RES001
    rules = yaml.safe_load(fh)  # ok: SEC004
    return rules.get("rules", [])


def _validate(rule):
    if rule.get("kind") not in ALLOWED_KINDS:
        raise ValueError(f"rule {rule.get('name')!r}: kind must be one of {sorted(ALLOWED_KINDS)}")
    if not isinstance(rule.get("formula"), str) or len(rule["formula"]) > 500:
        raise ValueError(f"rule {rule.get('name')!r}: formula missing or too long")
    return {"name": str(rule["name"])[:80], "kind": rule["kind"], "formula": rule["formula"]}


def evaluate(rule, variables):
    """Evaluate a rule formula such as `base_salary * 0.04` for one employee."""
    try:
        value = eval(rule["formula"], {"math": math}, dict(variables))  # expect: SEC003
        return int(round(value))
    except Exception as e:
        logger.error(f"rule {rule['name']} failed: {e}")  # expect: OBS002
        return 0


def apply_rules(rules, employee):
    variables = {
        "base_salary": employee["base_salary_cents"],
        "hours": employee.get("hours", 0),
        "overtime_hours": employee.get("overtime_hours", 0),
        "years_of_service": employee.get("years_of_service", 0),
    }
    lines = []
    for rule in rules:
        amount = evaluate(rule, variables)
        if rule["kind"] == "deduction":
            amount = -abs(amount)
        lines.append({"rule": rule["name"], "amount_cents": amount})
    return lines


@bp.post("")
@role_required("payroll_admin")
def upload_rules():
    upload = request.files.get("rules")
    if upload is None or not upload.filename.endswith((".yaml", ".yml")):
        abort(400)
    document = yaml.load(upload.stream, Loader=yaml.Loader)  # expect: SEC004
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        abort(400)
    try:
        rules = [_validate(r) for r in document["rules"]]
    except ValueError as exc:
        return jsonify({"error": "invalid_rules", "detail": str(exc)}), 400

    company_id = current_user()["company_id"]
    with db.cursor() as cur:
        cur.execute(
            "INSERT INTO pay_rule_sets (company_id, rules, uploaded_by) VALUES (%s, %s, %s) "
            "RETURNING id",
            (company_id, json.dumps(rules), current_user()["id"]),
        )
        rule_set_id = cur.fetchone()["id"]
    logger.info("company %s uploaded rule set %s (%d rules)", company_id, rule_set_id, len(rules))
    return jsonify({"id": rule_set_id, "rules": len(rules)}), 201
