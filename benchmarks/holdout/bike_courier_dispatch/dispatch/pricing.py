"""Delivery pricing: base fee + distance + the zone's surcharge rule.

Surcharge rules are short arithmetic expressions kept on the zone, for
example ``150 if rush else 0`` or ``max(0, kg - 5) * 40``. They are parsed
into an AST, checked against an allow-list of node types and names, and
walked by a tiny interpreter; nothing is compiled or executed.
"""
import ast
import operator

MAX_RULE_LENGTH = 300
VARIABLES = frozenset({"km", "kg", "rush", "hour"})
FUNCTIONS = {"max": max, "min": min, "round": round, "abs": abs}

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_CMPOPS = {ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Eq: operator.eq, ast.NotEq: operator.ne}
_ALLOWED = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.USub,
            ast.Compare, ast.IfExp, ast.BoolOp, ast.And, ast.Or, ast.Call, *_BINOPS, *_CMPOPS)


def parse_rule(expression: str) -> ast.Expression:
    """Parse and validate a surcharge rule; raises ValueError with a readable message."""
    if len(expression) > MAX_RULE_LENGTH:
        raise ValueError(f"rules are limited to {MAX_RULE_LENGTH} characters")
    try:
        tree = ast.parse(expression, mode="eval")  # ok: SEC003
    except SyntaxError as exc:
        raise ValueError(f"not a valid expression: {exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValueError(f"{type(node).__name__} is not allowed in a surcharge rule")
        if isinstance(node, ast.Name) and node.id not in VARIABLES and node.id not in FUNCTIONS:
            raise ValueError(f"unknown name {node.id!r}")
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords):
            raise ValueError("only max, min, round and abs may be called")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, bool)):
            raise ValueError("only numbers and booleans are allowed as constants")
    return tree


def _walk(node: ast.AST, env: dict[str, float | bool]):
    match node:
        case ast.Expression(body=body):
            return _walk(body, env)
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name):
            return env[name]
        case ast.BinOp(left=left, op=op, right=right):
            return _BINOPS[type(op)](_walk(left, env), _walk(right, env))
        case ast.UnaryOp(operand=operand):
            return -_walk(operand, env)
        case ast.Compare(left=left, ops=[op], comparators=[right]):
            return _CMPOPS[type(op)](_walk(left, env), _walk(right, env))
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _walk(body if _walk(test, env) else orelse, env)
        case ast.BoolOp(op=ast.And(), values=values):
            return all(_walk(v, env) for v in values)
        case ast.BoolOp(op=ast.Or(), values=values):
            return any(_walk(v, env) for v in values)
        case ast.Call(func=ast.Name(id=fn), args=args):
            return FUNCTIONS[fn](*(_walk(a, env) for a in args))
    raise ValueError(f"unsupported expression: {ast.dump(node)[:60]}")


def surcharge_cents(rule: str, *, km: float, kg: float, rush: bool, hour: int) -> int:
    return int(_walk(parse_rule(rule or "0"), {"km": km, "kg": kg, "rush": rush, "hour": hour}))


def quote_cents(zone, *, km: float, kg: float = 1.0, rush: bool = False, hour: int = 12) -> int:
    base = zone.base_fee_cents + round(zone.per_km_cents * km)
    return max(0, base + surcharge_cents(zone.surcharge_expr, km=km, kg=kg, rush=rush, hour=hour))
