"""The review screen's widgets: file tree, code view, findings table and detail, status bar."""

from reviewer.tui.widgets.code_view import CodeView
from reviewer.tui.widgets.file_tree import FileTree
from reviewer.tui.widgets.findings_table import FindingDetail, FindingsTable
from reviewer.tui.widgets.status_bar import StatusBar

__all__ = ["CodeView", "FileTree", "FindingDetail", "FindingsTable", "StatusBar"]
