"""Print the README's benchmark tables (Markdown) from the JSON results `reviewer bench` wrote."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def fmt(value):
    return "—" if value is None else f"{value:.2f}"


def overall(path: Path) -> str:
    data = json.loads(path.read_text())
    cases = data["cases"]
    rows = [f"{cases['files']} files, {cases['lines']:,} lines, {cases['clean_files']} of them clean "
            f"(`{cases['root']}`{', ' + cases['select'] if cases.get('select') else ''}); {data['when']}",
            "", "| tool | precision | recall (expect) | recall (todo) | TP | FP | FP on `ok` lines | clean files flagged | wall s |",
            "|---|---|---|---|---|---|---|---|---|"]
    for tool in data["tools"]:
        version = tool.get("version") or ""
        name = version if version.split(" ")[0] == tool["name"].split(" ")[0] else tool["name"]
        rows.append(f"| {name} | {fmt(tool['precision'])} | {fmt(tool['recall'])} | {fmt(tool['todo_recall'])} | "
                    f"{tool['true_positives']} | {tool['false_positives']} | {tool['fp_on_ok']} | "
                    f"{tool['clean_files_flagged']} | {tool['seconds']:.2f} |")
    if data.get("model_stats"):
        rows += ["", "Model: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data["model_stats"].items())]
    return "\n".join(rows)


def per_id(path: Path) -> str:
    data = json.loads(path.read_text())
    ours = data["tools"][0]
    peers = [t for t in data["tools"] if not t["name"].startswith("reviewer")]
    head = "| id | expected | found | FP | " + " | ".join(f"{p['name']} found" for p in peers) + " |"
    rows = [head, "|" + "---|" * (4 + len(peers))]
    for item, score in ours["per_id"].items():
        if not score["expected"] and not score["false_positives"]:
            continue
        cells = [str(p["per_id"].get(item, {}).get("found", 0)) for p in peers]
        rows.append(f"| {item} | {score['expected']} | {score['found']} | {score['false_positives']} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    print(per_id(path) if len(sys.argv) > 2 and sys.argv[2] == "--per-id" else overall(path))
