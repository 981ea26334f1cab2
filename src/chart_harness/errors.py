"""The harness's exceptions. Library code raises them; the pytest plugin decides how
to report them (a failed test prints just the message, with no traceback)."""

from __future__ import annotations


class HarnessError(Exception):
    """Base class: a failure whose message already says what to do."""


class ConfigError(HarnessError):
    """A chart_* option is malformed."""


class ToolMissing(HarnessError):
    """A binary or package the harness needs is not installed."""
