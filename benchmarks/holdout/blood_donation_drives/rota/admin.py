"""Back-office admin for shifts and staffing rules."""
import ast
import logging
import operator

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count

from donors.models import Shift, StaffingRule
from notifications.tasks import notify_venue_change

log = logging.getLogger(__name__)
ROLES = ("nurse", "phlebotomist", "driver", "coordinator")
_COMPARE = {ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Eq: operator.eq}


def evaluate_rule(expression: str, counts: dict[str, int]) -> bool:
    """Evaluates rules like "nurse >= 2 and phlebotomist >= 1" without eval()."""
    tree = ast.parse(expression, mode="eval")  # ok: SEC003

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, (ast.And, ast.Or)):
            values = [walk(v) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            return _COMPARE[type(node.ops[0])](walk(node.left), walk(node.comparators[0]))
        if isinstance(node, ast.Name) and node.id in ROLES:
            return counts.get(node.id, 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        raise ValueError(f"unsupported element in rule: {ast.dump(node)[:60]}")

    return bool(walk(tree))


class StaffingRuleForm(forms.ModelForm):
    class Meta:
        model = StaffingRule
        fields = ["name", "expression", "active"]

    def clean_expression(self):
        expression = self.cleaned_data["expression"]
        try:
            evaluate_rule(expression, {role: 0 for role in ROLES})
        except (SyntaxError, ValueError) as exc:
            raise forms.ValidationError(f"invalid rule: {exc}")
        return expression


@admin.register(StaffingRule)
class StaffingRuleAdmin(admin.ModelAdmin):
    form = StaffingRuleForm
    list_display = ("name", "expression", "active")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("drive", "role", "starts_at", "ends_at", "assigned_to")
    list_filter = ("role", "drive__date")
    list_select_related = ("drive", "assigned_to__user")
    actions = ["unassign", "check_coverage", "announce_venue_change"]

    @admin.action(description="Unassign selected shifts", permissions=["change"])
    def unassign(self, request, queryset):
        updated = queryset.filter(assigned_to__isnull=False).update(assigned_to=None)  # ok: DB003, DB004
        log.info("admin=%s unassigned %s shifts", request.user.pk, updated)
        self.message_user(request, f"{updated} shifts unassigned.")

    @admin.action(description="Check staffing rules for these drives", permissions=["view"])
    def check_coverage(self, request, queryset):
        per_drive = {}
        for row in queryset.filter(assigned_to__isnull=False).values("drive_id", "role").annotate(n=Count("id")):
            per_drive.setdefault(row["drive_id"], {})[row["role"]] = row["n"]
        rules = list(StaffingRule.objects.filter(active=True))
        for drive_id, counts in per_drive.items():
            failing = [r.name for r in rules if not evaluate_rule(r.expression, counts)]
            level = messages.WARNING if failing else messages.SUCCESS
            self.message_user(request, f"Drive {drive_id}: {', '.join(failing) or 'all rules met'}", level)

    @admin.action(description="Text donors about a venue change", permissions=["change"])
    def announce_venue_change(self, request, queryset):
        drive_ids = set(queryset.values_list("drive_id", flat=True))
        for drive_id in drive_ids:
            transaction.on_commit(lambda d=drive_id: notify_venue_change.delay(d))
        self.message_user(request, f"Venue change notice queued for {len(drive_ids)} drive(s).")
