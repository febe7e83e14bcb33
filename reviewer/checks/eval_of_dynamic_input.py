"""SEC003: eval or exec of a value that is not written in the code."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import is_literal
from reviewer.checks._security import AssignmentTrackingCheck, built_or_input_labels, first_arg

_EVALUATORS = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})


class EvalOfDynamicInput(AssignmentTrackingCheck):
    """`eval` or `exec` of a value that is not a literal.

    ## What it does
    Reports calls to the builtins `eval` and `exec` (also through `builtins.`) whose code argument is
    request input, text stored in a record or config (`rule.condition`, `job["expr"]`), or a string built
    from variables (f-string, `%`, `+`, `.format`, directly or through one assignment in the function),
    anywhere; and, in web app modules (which import a web framework), any code argument that is not a
    string literal. Methods that happen to share the name
    (`model.eval()`, `session.exec(statement)`, `df.eval("a + b")`) are not builtins and are not reported.

    ## Why is this bad?
    Whoever controls the string runs arbitrary Python in the server process: reading secrets from the
    environment, the database and the disk, or opening a shell. Restricting `globals`/`__builtins__`
    does not sandbox it; there are well-known escapes. `ast.literal_eval` parses Python literals without
    running code, `json.loads` parses data, and a dict of allowed functions covers dispatch by name.

    ## Known limits
    Outside web app modules, `exec(code)` of a name that is not built in the function (code generators,
    plugin loaders, `exec(f.read())` of a config file) is not reported: tools and libraries do this on
    purpose, and where the string comes from is not followed across functions. In web app modules the
    source is not judged, so an `eval` of code generated from constants is reported too. `compile(...)`
    alone and `pandas.eval` are not reported. Test files are skipped.
    """

    id = "SEC003"
    VALID = (
        """
import ast
from flask import Flask, request

app = Flask(__name__)

@app.post("/filters")
def parse_filter():
    value = ast.literal_eval(request.form["filter"])  # ok: SEC003
    return {"filter": value}
""",
        """
import torch

def evaluate(model, batch):
    model.eval()  # ok: SEC003
    with torch.no_grad():
        return model(batch)
""",
        """
from sqlmodel import Session, select
from app.models import Hero

def heroes(engine):
    with Session(engine) as session:
        return session.exec(select(Hero)).all()  # ok: SEC003
""",
        """
VERSION = eval("1 + 1")  # ok: SEC003
""",
        """
def make_init(fields):
    source = "def __init__(self, " + ", ".join(FIELD_NAMES) + "): pass"
    namespace = {}
    exec(source, namespace)  # ok: SEC003
    return namespace["__init__"]

def load_plugin(code, namespace):
    exec(code, namespace)  # ok: SEC003
""",
        """
import ast

def parse_weights(raw: str) -> dict:
    return ast.literal_eval(raw)  # ok: SEC003
""",
    )
    INVALID = (
        """
from flask import Flask, request

app = Flask(__name__)

@app.get("/calc")
def calculate():
    expression = request.args["expr"]
    return {"result": eval(expression)}  # expect: SEC003
""",
        """
from django.http import JsonResponse
from pricing.models import Rule

def apply_rule(request, rule_id):
    rule = Rule.objects.get(pk=rule_id)
    namespace = {"__builtins__": {}, "cart": request.session["cart"]}
    exec(rule.source, namespace)  # expect: SEC003
    return JsonResponse({"price": namespace.get("result")})
""",
        """
def matches(subscription, event) -> bool:
    return bool(eval(subscription.filter_expr, {"__builtins__": {}}, {"event": event}))  # expect: SEC003
""",
        """
import builtins

def coerce(field_type, raw):
    return builtins.eval(f"{field_type}({raw!r})")  # expect: SEC003
""",
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        func = node.func
        if not (isinstance(func, cst.Name) and func.value in ("eval", "exec")) and not (
                isinstance(func, cst.Attribute) and func.attr.value in ("eval", "exec")
                and isinstance(func.value, cst.Name) and func.value.value == "builtins"):
            return
        qualified = self.ctx.qualify(func)
        if qualified not in _EVALUATORS:
            return  # shadowed: `from numexpr import evaluate as eval` and the like
        code = first_arg(node, "source") or first_arg(node, "expression") or first_arg(node, "object")
        if code is None or is_literal(code):
            return
        if not (self.ctx.is_web_app or _is_stored_data(code)) and built_or_input_labels(
                code, self.assignments_here(), constants=self.constants) is None:
            return
        self.report(node, f"`{func.value if isinstance(func, cst.Name) else 'builtins.' + func.attr.value}` runs "
                          "a string that is not written in the code: whoever controls it runs any Python in this "
                          "process.")


def _is_stored_data(code: cst.BaseExpression) -> bool:
    """`rule.condition`, `job["expr"]`: text kept in a record or a config, which whoever edits it controls.

    An attribute of `self`/`cls` is the object's own state (compiled code in a code generator) and is not.
    """
    if isinstance(code, cst.Subscript):
        return True
    if isinstance(code, cst.Attribute):
        root = code
        while isinstance(root, cst.Attribute):
            root = root.value
        return not (isinstance(root, cst.Name) and root.value in ("self", "cls"))
    return False
