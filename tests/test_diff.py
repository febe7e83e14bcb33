"""Selecting a change (working tree, index, revisions, patches, whole files) and parsing it into FileChange."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer import diff
from reviewer.diff import (
    SelectionError,
    select_patch,
    select_paths,
    select_range,
    select_revision,
    select_working_tree,
)
from reviewer.findings import FileKind

BASE = "import os\n\n\ndef handler(request):\n    value = request.args['x']\n    return value\n"
EDITED = "import os\n\n\ndef handler(request):\n    value = request.args.get('x', '')\n    return value\n"


def change(selection, path):
    matches = [item for item in selection.changes if item.path == path]
    assert matches, f"{path} not in {[item.path for item in selection.changes]}"
    return matches[0]


def reasons(selection) -> dict[str, str]:
    return {item.path: item.reason for item in selection.skipped}


@pytest.fixture
def repo(git_repo):
    git_repo.write("app/views.py", BASE)
    git_repo.commit("base")
    return git_repo


# ------------------------------------------------------------------------------------ working tree


def test_uncommitted_change_is_reviewed_against_head(repo):
    repo.write("app/views.py", EDITED)

    selection = select_working_tree(repo.path)

    item = change(selection, "app/views.py")
    assert item.status == "modified"
    assert item.kind == FileKind.python
    assert item.text == EDITED
    assert item.changed_lines == [5]
    assert selection.description == "working tree vs HEAD"
    assert Path(selection.root) == repo.path.resolve()


def test_working_tree_includes_staged_and_unstaged_changes(repo):
    repo.write("app/views.py", EDITED)
    repo.git("add", "app/views.py")
    repo.write("app/other.py", "x = 1\n")
    repo.git("add", "app/other.py")
    repo.write("app/other.py", "x = 1\ny = 2\n")

    selection = select_working_tree(repo.path)

    assert change(selection, "app/views.py").changed_lines == [5]
    assert change(selection, "app/other.py").text == "x = 1\ny = 2\n"


def test_staged_reads_the_index_not_the_working_tree(repo):
    repo.write("app/views.py", EDITED)
    repo.git("add", "app/views.py")
    repo.write("app/views.py", EDITED + "print('unstaged')\n")

    selection = select_working_tree(repo.path, staged=True)

    item = change(selection, "app/views.py")
    assert item.text == EDITED
    assert item.changed_lines == [5]
    assert selection.description == "staged changes vs HEAD"


def test_untracked_file_counts_as_added_with_every_line_changed(repo):
    repo.write("app/new.py", "a = 1\nb = 2\n")
    repo.write(".gitignore", "*.log\n")
    repo.write("debug.log", "noise\n")

    selection = select_working_tree(repo.path)

    item = change(selection, "app/new.py")
    assert item.status == "added"
    assert item.changed_lines == [1, 2]
    assert "debug.log" not in {c.path for c in selection.changes} | set(reasons(selection))


def test_untracked_files_in_excluded_directories_are_recorded_once(repo):
    repo.write("node_modules/left-pad/index.js", "module.exports = 1\n")
    repo.write("node_modules/left-pad/package.json", "{}\n")
    repo.write("app/new.py", "a = 1\n")

    selection = select_working_tree(repo.path)

    assert reasons(selection) == {"node_modules/": "excluded directory"}


def test_repository_without_commits_is_diffed_against_the_empty_tree(git_repo):
    git_repo.write("main.py", "print('hi')\n")
    git_repo.git("add", "main.py")

    staged = select_working_tree(git_repo.path, staged=True)

    assert change(staged, "main.py").status == "added"
    assert change(staged, "main.py").changed_lines == [1]
    assert staged.description == "staged changes (no commits yet)"


def test_working_tree_from_a_subdirectory_uses_repository_relative_paths(repo):
    repo.write("app/views.py", EDITED)

    selection = select_working_tree(repo.path / "app")

    assert [item.path for item in selection.changes] == ["app/views.py"]


# ---------------------------------------------------------------------------------------- revisions


def test_single_revision_is_reviewed_from_its_objects_not_the_working_tree(repo):
    repo.write("app/views.py", EDITED)
    repo.commit("edit")
    repo.write("app/views.py", "garbage in the working tree\n")

    selection = select_revision(repo.path, "HEAD")

    item = change(selection, "app/views.py")
    assert item.text == EDITED
    assert item.changed_lines == [5]


def test_two_dot_range_reads_the_later_revision(repo):
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write("app/views.py", EDITED)
    repo.write("app/util.py", "def helper():\n    return 1\n")
    repo.commit("edit")
    repo.write("app/util.py", "changed afterwards\n")

    selection = select_revision(repo.path, f"{first}..HEAD")

    assert change(selection, "app/util.py").text == "def helper():\n    return 1\n"
    assert change(selection, "app/util.py").status == "added"
    assert change(selection, "app/views.py").text == EDITED
    assert selection.description == f"{first}..HEAD"


def test_three_dot_range_diffs_from_the_merge_base(repo):
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app/views.py", EDITED)
    repo.commit("feature edit")
    repo.git("checkout", "-q", "main")
    repo.write("app/main_only.py", "x = 1\n")
    repo.commit("main moves on")
    repo.write("app/views.py", "working tree noise\n")

    selection = select_revision(repo.path, "main...feature")

    assert [item.path for item in selection.changes] == ["app/views.py"]
    assert change(selection, "app/views.py").text == EDITED


def test_root_commit_is_diffed_against_the_empty_tree(repo):
    selection = select_revision(repo.path, "HEAD")

    item = change(selection, "app/views.py")
    assert item.status == "added"
    assert item.changed_lines == [1, 2, 3, 4, 5, 6]
    assert "root commit" in selection.description


def test_pushed_range_from_the_empty_tree_reads_the_head_objects(repo):
    empty_tree = repo.git("hash-object", "-t", "tree", "--stdin", stdin="").strip()
    repo.write("app/views.py", EDITED)
    repo.commit("edit")
    repo.write("app/views.py", "working tree noise\n")

    selection = select_range(repo.path, empty_tree, "HEAD")

    item = change(selection, "app/views.py")
    assert (item.status, item.text, item.changed_lines) == ("added", EDITED, [1, 2, 3, 4, 5, 6])


def test_pushed_range_between_commits_is_exact(repo):
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write("app/views.py", EDITED)
    second = repo.commit("edit")

    selection = select_range(repo.path, first, second)

    assert change(selection, "app/views.py").changed_lines == [5]
    assert one_line_error(select_range, repo.path, first, "0" * 40) == f"unknown revision: {'0' * 40}"


def test_user_diff_config_does_not_change_results(repo):
    repo.write("app/views.py", EDITED)
    repo.write("app/café.py", "x = 1\n")
    repo.write("a/settings.py", "DEBUG = False\n")  # a one-letter folder looks like a diff prefix
    repo.commit("edit")
    plain = select_revision(repo.path, "HEAD")
    for key, value in [("diff.noprefix", "true"), ("color.ui", "always"), ("diff.mnemonicPrefix", "true"),
                       ("diff.external", "false"), ("diff.context", "0"), ("core.quotepath", "true")]:
        repo.git("config", key, value)

    configured = select_revision(repo.path, "HEAD")

    assert [item.path for item in plain.changes] == ["a/settings.py", "app/café.py", "app/views.py"]
    assert configured.changes == plain.changes
    assert configured.skipped == plain.skipped


def test_rename_with_edits_keeps_the_old_path(repo):
    body = "".join(f"line_{n} = {n}\n" for n in range(20))
    repo.write("app/old_name.py", body)
    repo.commit("add")
    repo.git("mv", "app/old_name.py", "app/new_name.py")
    repo.write("app/new_name.py", body.replace("line_3 = 3", "line_3 = 33"))
    repo.commit("rename")

    selection = select_revision(repo.path, "HEAD")

    item = change(selection, "app/new_name.py")
    assert item.status == "renamed"
    assert item.old_path == "app/old_name.py"
    assert item.changed_lines == [4]


def test_pure_rename_is_skipped_with_its_reason(repo):
    repo.git("mv", "app/views.py", "app/routes.py")
    repo.commit("rename")

    selection = select_revision(repo.path, "HEAD")

    assert selection.changes == []
    assert reasons(selection) == {"app/routes.py": "renamed without changes"}


def test_deleted_file_has_no_text_and_is_recorded_as_skipped(repo):
    repo.git("rm", "-q", "app/views.py")
    repo.write("keep.txt", "x\n")
    repo.commit("delete")

    selection = select_revision(repo.path, "HEAD")

    deleted = change(selection, "app/views.py")
    assert deleted.status == "deleted"
    assert deleted.text is None
    assert reasons(selection)["app/views.py"] == "deleted"


def test_lines_only_deleted_mark_the_deletion_point(repo):
    repo.write("app/views.py", BASE.replace("    value = request.args['x']\n", ""))
    repo.commit("drop a line")

    item = change(select_revision(repo.path, "HEAD"), "app/views.py")

    assert item.changed_lines == [5]


def test_deletion_at_the_end_of_a_file_marks_its_last_line(repo):
    repo.write("app/views.py", BASE.replace("    return value\n", ""))
    repo.commit("drop the last line")

    item = change(select_revision(repo.path, "HEAD"), "app/views.py")

    assert item.changed_lines == [5]


def test_mode_only_change_is_skipped(repo):
    (repo.path / "app/views.py").chmod(0o755)
    repo.commit("chmod")

    selection = select_revision(repo.path, "HEAD")

    assert selection.changes == []
    assert reasons(selection) == {"app/views.py": "mode change only"}


def test_binary_file_is_skipped(repo):
    repo.write("static/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    repo.commit("logo")

    assert reasons(select_revision(repo.path, "HEAD")) == {"static/logo.png": "binary file"}


def test_non_utf8_file_is_skipped(repo):
    repo.write("legacy.py", "name = 'caf\xe9'\n".encode("latin-1"))
    repo.commit("latin-1")

    selection = select_revision(repo.path, "HEAD")

    assert selection.changes == []
    assert reasons(selection) == {"legacy.py": "not UTF-8 text"}


def test_file_without_final_newline_keeps_its_text_and_lines(repo):
    repo.write("app/views.py", BASE + "extra = 1")
    repo.commit("no newline")

    item = change(select_revision(repo.path, "HEAD"), "app/views.py")

    assert item.text == BASE + "extra = 1"
    assert item.changed_lines == [7]


def test_symlink_is_skipped(repo):
    os.symlink("app/views.py", repo.path / "link.py")
    repo.commit("link")

    assert reasons(select_revision(repo.path, "HEAD")) == {"link.py": "symlink"}


def test_submodule_is_skipped(repo, git_repo_factory):
    library = git_repo_factory("library")
    library.write("lib.py", "x = 1\n")
    library.commit("lib")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.path), "vendored_lib")

    selection = select_working_tree(repo.path)

    assert reasons(selection)["vendored_lib"] == "submodule"
    assert ".gitmodules" in {item.path for item in selection.changes}


def test_vendored_and_generated_files_are_skipped(repo):
    repo.write("third_party/lib/core.py", "x = 1\n")
    repo.write("api/service_pb2.py", "x = 1\n")
    repo.write("static/app.min.js", "var a=1;\n")
    repo.write("app/schema.py", "# Code generated by schemagen. DO NOT EDIT.\nx = 1\n")
    repo.write("app/migrations/0002_auto.py", "# Generated by Django 4.2 on 2024-01-01\nx = 1\n")
    repo.commit("vendor")

    selection = select_revision(repo.path, "HEAD")

    assert set(reasons(selection)) == {"third_party/lib/core.py", "api/service_pb2.py", "static/app.min.js",
                                       "app/schema.py"}
    assert set(reasons(selection).values()) == {"vendored or generated"}
    assert [item.path for item in selection.changes] == ["app/migrations/0002_auto.py"]


def test_oversized_file_is_skipped_with_its_size(repo, monkeypatch):
    monkeypatch.setattr(diff, "MAX_FILE_LINES", 5)
    repo.write("big.py", "".join(f"x{n} = {n}\n" for n in range(8)))
    repo.commit("big")

    assert reasons(select_revision(repo.path, "HEAD")) == {"big.py": "too large (8 lines)"}


def test_path_with_spaces_and_unicode_is_kept_exactly(repo):
    repo.write("app/my view é.py", "x = 1\n")
    repo.commit("odd name")

    item = change(select_revision(repo.path, "HEAD"), "app/my view é.py")

    assert item.text == "x = 1\n"


def test_manifest_kind_comes_from_the_content(repo):
    repo.write("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n")
    repo.commit("manifest")

    assert change(select_revision(repo.path, "HEAD"), "deploy/app.yaml").kind == FileKind.kubernetes


# -------------------------------------------------------------------------------------------- patches


def make_patch(repo) -> str:
    repo.write("app/views.py", EDITED)
    text = repo.git("diff", "HEAD")
    repo.git("checkout", "--", "app/views.py")
    return text


def test_patch_file_without_root_rebuilds_the_post_image(repo, tmp_path):
    patch = tmp_path / "change.diff"
    patch.write_text(make_patch(repo))

    selection = select_patch(patch)

    item = change(selection, "app/views.py")
    assert item.changed_lines == [5]
    assert item.text.split("\n")[4] == "    value = request.args.get('x', '')"
    assert selection.description == f"patch {patch}"


def test_rebuilt_post_image_keeps_line_numbers_with_blank_gaps():
    text = (
        "--- a/app.py\n+++ b/app.py\n"
        "@@ -10,3 +10,3 @@ def f():\n"
        "     a = 1\n-    b = 2\n+    b = 3\n     c = 4\n"
    )

    item = select_patch(None, text).changes[0]

    lines = item.text.split("\n")
    assert lines[:9] == [""] * 9
    assert lines[10] == "    b = 3"
    assert item.changed_lines == [11]


def test_stdin_patch_text_is_parsed(repo):
    selection = select_patch(None, make_patch(repo))

    assert change(selection, "app/views.py").changed_lines == [5]
    assert selection.description == "patch from stdin"


def test_patch_uses_the_working_tree_file_when_it_already_holds_the_change(repo):
    text = make_patch(repo)
    repo.write("app/views.py", EDITED + "# more below the hunk\n")

    item = change(select_patch(None, text, root=repo.path), "app/views.py")

    assert item.text == EDITED + "# more below the hunk\n"


def test_patch_root_inside_a_repository_resolves_paths_from_its_top(repo):
    text = make_patch(repo)
    repo.write("app/views.py", EDITED)

    selection = select_patch(None, text, root=repo.path / "app")

    assert change(selection, "app/views.py").text == EDITED
    assert Path(selection.root) == repo.path.resolve()


def test_patch_does_not_use_a_working_tree_file_that_differs(repo):
    text = make_patch(repo)  # the working tree still holds BASE: the patch is not applied

    item = change(select_patch(None, text, root=repo.path), "app/views.py")

    assert item.text != BASE
    assert "request.args.get" in item.text


def test_patch_with_windows_line_endings_is_parsed(repo):
    text = make_patch(repo).replace("\n", "\r\n")

    assert change(select_patch(None, text), "app/views.py").changed_lines == [5]


def test_plain_unified_diff_without_git_headers_is_parsed():
    text = "--- app.py.orig\t2024-01-01 00:00:00\n+++ app.py\t2024-01-01 00:00:01\n@@ -1 +1 @@\n-a = 1\n+a = 2\n"

    item = select_patch(None, text).changes[0]

    assert (item.path, item.status, item.changed_lines) == ("app.py", "modified", [1])


# ----------------------------------------------------------------------------------------------- scan


def test_scan_of_a_directory_reviews_every_line_of_every_file(repo):
    repo.write("app/models.py", "class A:\n    pass\n")
    repo.write("app/nested/deep.py", "x = 1\n")

    selection = select_paths([repo.path / "app"])

    assert [item.path for item in selection.changes] == ["app/models.py", "app/nested/deep.py", "app/views.py"]
    models = change(selection, "app/models.py")
    assert models.status == "scanned"
    assert models.whole_file
    assert models.changed_lines == [1, 2]


def test_scan_skips_files_git_ignores(repo):
    repo.write(".gitignore", "secrets.py\ncache/\n")
    repo.write("app/secrets.py", "KEY = 'x'\n")
    repo.write("app/cache/blob.py", "x = 1\n")

    selection = select_paths([repo.path / "app"])

    assert [item.path for item in selection.changes] == ["app/views.py"]
    assert reasons(selection) == {"app/secrets.py": "ignored by git", "app/cache/": "ignored by git"}


def test_scan_prunes_excluded_directories(repo):
    repo.write("app/node_modules/x/index.js", "1\n")
    repo.write("app/__pycache__/views.cpython-311.pyc", b"\x00\x01")
    repo.write("app/.venv/lib/site.py", "x = 1\n")

    selection = select_paths([repo.path / "app"])

    assert [item.path for item in selection.changes] == ["app/views.py"]
    assert reasons(selection) == {"app/node_modules/": "excluded directory", "app/.venv/": "excluded directory"}


def test_scan_outside_a_repository_reviews_files(git_env, tmp_path):
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "a.py").write_text("x = 1\n")

    selection = select_paths([folder], root=tmp_path)

    assert [item.path for item in selection.changes] == ["loose/a.py"]


def test_scan_of_a_single_file(repo):
    selection = select_paths([repo.path / "app/views.py"])

    assert [item.path for item in selection.changes] == ["app/views.py"]


# ---------------------------------------------------------------------------------------- bad input


def one_line_error(call, *args, **kwargs) -> str:
    with pytest.raises(SelectionError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def test_missing_path_is_a_selection_error(git_env, tmp_path):
    assert "no such file or directory" in one_line_error(select_paths, [tmp_path / "missing.py"])
    assert "no such directory" in one_line_error(select_working_tree, tmp_path / "missing")
    assert "no such file" in one_line_error(select_patch, tmp_path / "missing.diff")


def test_bad_revision_is_a_selection_error(repo):
    assert one_line_error(select_revision, repo.path, "no-such-branch") == "unknown revision: no-such-branch"
    assert "unknown revision: nope" in one_line_error(select_revision, repo.path, "HEAD..nope")
    assert "unknown revision" in one_line_error(select_revision, repo.path, "--output=/tmp/x")


def test_not_a_repository_is_a_selection_error(git_env, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()

    assert one_line_error(select_working_tree, plain) == f"not a git repository: {plain}"
    assert "not a git repository" in one_line_error(select_revision, plain, "HEAD")


def test_garbage_patch_is_a_selection_error():
    message = one_line_error(select_patch, None, "this is not a diff\njust words\n")

    assert "not a diff" in message


def test_malformed_hunk_is_a_selection_error():
    text = "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\n?? nonsense\n"

    assert "not a valid diff" in one_line_error(select_patch, None, text)


def test_truncated_patch_is_a_selection_error(repo):
    text = make_patch(repo)
    cut = text[: text.rindex("\n", 0, len(text) - 2) + 1]

    assert "truncated" in one_line_error(select_patch, None, cut)
    assert "truncated" in one_line_error(select_patch, None, "--- a/x.py\n+++ b/x.py\n")


def test_empty_diff_is_a_selection_error(repo):
    assert one_line_error(select_working_tree, repo.path) == "nothing to review: the diff is empty"
    assert one_line_error(select_patch, None, "") == "nothing to review: the diff is empty"
    assert "nothing to review" in one_line_error(select_revision, repo.path, "HEAD..HEAD")


def test_directory_with_nothing_reviewable_is_a_selection_error(git_env, tmp_path):
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "logo.png").write_bytes(b"\x89PNG\x00\x00")

    message = one_line_error(select_paths, [folder])

    assert message.startswith("nothing to review: no reviewable files in")
    assert "binary file" in message
