"""Modal screens: the keys, a dismissal's reason and target, a finding's checklist item."""

from reviewer.tui.screens.dismiss import DismissRequest, DismissScreen
from reviewer.tui.screens.help import HelpScreen
from reviewer.tui.screens.item_detail import ItemScreen

__all__ = ["DismissRequest", "DismissScreen", "HelpScreen", "ItemScreen"]
