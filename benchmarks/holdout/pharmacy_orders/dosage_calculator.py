"""Pediatric dosage calculation from per-drug formulas kept in the formulary file."""
import ast
import json
import os

from flask import Blueprint, jsonify, request

from .auth import pharmacist_required

bp = Blueprint("dosage", __name__, url_prefix="/dosage")

FORMULARY_PATH = os.environ.get("FORMULARY_PATH", "/etc/pharmacy/formulary.json")
with open(FORMULARY_PATH, encoding="utf-8") as _fh:  # todo-expect: MNT002
    FORMULARY = json.load(_fh)


@bp.post("")
@pharmacist_required
def calculate_dose():
    body = request.get_json(force=True)
    drug = FORMULARY.get(body.get("drug_code", ""))
    if drug is None:
        return jsonify(error="unknown drug code"), 404
    weight_kg = float(body["weight_kg"])
    age_years = float(body.get("age_years", 0))

    formula = body.get("formula_override") or drug["formula"]
    dose_mg = eval(formula, {"__builtins__": {}}, {"weight_kg": weight_kg, "age_years": age_years})  # expect: SEC003
    dose_mg = min(float(dose_mg), drug["max_single_dose_mg"])

    strengths = ast.literal_eval(drug["strengths_mg"])  # ok: SEC003
    best = min(strengths, key=lambda s: abs(dose_mg - s * round(dose_mg / s)))
    return jsonify(
        drug=drug["name"],
        dose_mg=round(dose_mg, 1),
        suggested_strength_mg=best,
        units=max(1, round(dose_mg / best)),
        overridden=bool(body.get("formula_override")),
    )
