"""reviewer: a local, offline code reviewer for production failure modes."""

__version__ = "0.1.0"
