"""The shipped checklist loads, is grounded in the source document, and bad checklist files fail clearly."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from reviewer.checklist import (
    ID_PATTERN,
    Checklist,
    ChecklistError,
    grounding_in_document,
    load_checklist,
)
from reviewer.findings import Severity

SOURCE_DOCUMENT = (Path(__file__).parent / "fixtures" / "source_document.txt").read_text(encoding="utf-8")
SHIPPED = load_checklist()

VALID_ITEM = """
[[items]]
id = "{id}"
question = "Is this a question?"
rationale = "Because it fails in production."
grounding = "Retry storms"
severity = "{severity}"
applies_to = ["python"]
signals = ["retry"]
{extra}
"""


def write_checklist(path: Path, *ids: str, category: str = "team", severity: str = "high",
                    extra: str = "") -> Path:
    body = f'category = "{category}"\ntitle = "Team rules"\n'
    body += "".join(VALID_ITEM.format(id=item_id, severity=severity, extra=extra) for item_id in ids)
    path.write_text(body, encoding="utf-8")
    return path


def test_shipped_checklist_has_enough_items_and_categories():
    assert len(SHIPPED) >= 40
    assert len(SHIPPED.categories()) >= 10


def test_default_load_is_cached():
    assert load_checklist() is SHIPPED


@pytest.mark.parametrize("item", list(SHIPPED), ids=lambda item: item.id)
def test_grounding_is_quoted_from_source_document(item):
    assert grounding_in_document(item.grounding, SOURCE_DOCUMENT), item.grounding


@pytest.mark.parametrize("item", list(SHIPPED), ids=lambda item: item.id)
def test_item_is_a_focused_question_with_rationale_and_signals(item):
    assert re.fullmatch(ID_PATTERN, item.id)
    assert item.question.strip().endswith("?")
    assert item.rationale.strip()
    assert 4 <= len(item.signals) <= 15
    assert all(signal.strip() for signal in item.signals)


def test_each_category_file_uses_one_id_prefix_and_its_own_category():
    prefixes: dict[str, set[str]] = defaultdict(set)
    for item in SHIPPED:
        prefixes[item.source_file].add(re.match(r"[A-Z]+", item.id).group())
        assert item.category == Path(item.source_file).stem
    assert all(len(found) == 1 for found in prefixes.values()), prefixes
    all_prefixes = [prefix for found in prefixes.values() for prefix in found]
    assert len(all_prefixes) == len(set(all_prefixes)), "two files share an id prefix"


def test_security_items_that_can_run_code_are_critical():
    for item_id in ("SEC001", "SEC002", "SEC003", "SEC004"):
        assert SHIPPED.get(item_id).severity is Severity.critical


def test_checklist_keeps_file_order_and_answers_membership():
    ids = [item.id for item in SHIPPED]
    assert ids == list(SHIPPED.items)
    assert "REL001" in SHIPPED
    assert "NOPE001" not in SHIPPED
    assert SHIPPED.get("REL001").category == "reliability"
    assert SHIPPED.get("REL001").source_file == "reliability.toml"


def test_unknown_id_raises_checklist_error():
    with pytest.raises(ChecklistError, match="unknown checklist id NOPE001"):
        SHIPPED.get("NOPE001")


def test_team_file_adds_its_items_after_the_shipped_ones(tmp_path):
    team = write_checklist(tmp_path / "team.toml", "TEAM001", "TEAM002")
    checklist = load_checklist([team])
    assert isinstance(checklist, Checklist)
    assert len(checklist) == len(SHIPPED) + 2
    assert [item.id for item in checklist][-2:] == ["TEAM001", "TEAM002"]
    assert checklist.get("TEAM001").category == "team"
    assert checklist.categories()[-1] == "team"


def test_duplicate_ids_across_files_name_both_files(tmp_path):
    first = write_checklist(tmp_path / "a.toml", "TEAM001")
    second = write_checklist(tmp_path / "b.toml", "TEAM002", "TEAM001")
    with pytest.raises(ChecklistError, match=r"duplicate checklist id TEAM001 in a\.toml and b\.toml"):
        load_checklist([first, second])


def test_team_file_reusing_a_shipped_id_is_a_duplicate(tmp_path):
    team = write_checklist(tmp_path / "team.toml", "REL001")
    with pytest.raises(ChecklistError, match=r"duplicate checklist id REL001 in reliability\.toml and team\.toml"):
        load_checklist([team])


def test_unknown_key_names_the_key_and_file(tmp_path):
    team = write_checklist(tmp_path / "team.toml", "TEAM001", extra='colour = "red"')
    with pytest.raises(ChecklistError) as raised:
        load_checklist([team])
    message = str(raised.value)
    assert "team.toml" in message
    assert "colour" in message
    assert "TEAM001" in message
    assert "\n" not in message


def test_category_written_per_item_is_an_unknown_key(tmp_path):
    team = write_checklist(tmp_path / "team.toml", "TEAM001", extra='category = "security"')
    with pytest.raises(ChecklistError, match="category: unknown key"):
        load_checklist([team])


def test_missing_key_names_the_key(tmp_path):
    team = tmp_path / "team.toml"
    team.write_text('category = "team"\ntitle = "Team rules"\n[[items]]\nid = "TEAM001"\n', encoding="utf-8")
    with pytest.raises(ChecklistError, match="question: missing key"):
        load_checklist([team])


def test_bad_severity_raises(tmp_path):
    team = write_checklist(tmp_path / "team.toml", "TEAM001", severity="urgent")
    with pytest.raises(ChecklistError, match=r"team\.toml.*TEAM001.*severity"):
        load_checklist([team])


def test_bad_id_raises(tmp_path):
    team = write_checklist(tmp_path / "team.toml", "team-1")
    with pytest.raises(ChecklistError, match="id"):
        load_checklist([team])


def test_unknown_file_kind_raises(tmp_path):
    team = tmp_path / "team.toml"
    write_checklist(team, "TEAM001")
    team.write_text(team.read_text(encoding="utf-8").replace('["python"]', '["cobol"]'), encoding="utf-8")
    with pytest.raises(ChecklistError, match="applies_to.*cobol"):
        load_checklist([team])


def test_toml_syntax_error_raises_checklist_error(tmp_path):
    team = tmp_path / "team.toml"
    team.write_text('category = "team"\ntitle = \n', encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"team\.toml is not valid TOML"):
        load_checklist([team])


def test_missing_extra_file_raises_checklist_error(tmp_path):
    with pytest.raises(ChecklistError, match="absent.toml"):
        load_checklist([tmp_path / "absent.toml"])


@pytest.mark.parametrize(
    ("grounding", "expected"),
    [
        ("Duplicate requests may occur.   Retry logic\nmay create double charges.", True),
        ("• Stores sessions in application memory", True),
        ("Today's applications involve:", True),
        ("Retry logic may create triple charges.", False),
        ("   ", False),
    ],
)
def test_grounding_ignores_whitespace_bullets_and_curly_quotes(grounding, expected):
    assert grounding_in_document(grounding, SOURCE_DOCUMENT) is expected
