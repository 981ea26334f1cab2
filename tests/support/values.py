"""Values as Helm sees them: the chart's defaults with a values file coalesced over them."""

from __future__ import annotations

import copy
from functools import cache

import yaml

from tests.support.tools import STANDARD_APP


@cache
def _defaults_text() -> str:
    return (STANDARD_APP / "values.yaml").read_text(encoding="utf-8")


def chart_defaults() -> dict:
    """standard-app's values.yaml, parsed (a fresh copy each call)."""
    return yaml.safe_load(_defaults_text()) or {}


def coalesce(defaults: dict, user: dict) -> dict:
    """Helm's coalescing of user values over chart defaults: maps merge, anything else
    replaces, and a user `null` deletes a default key."""
    merged = copy.deepcopy(defaults)
    for key, value in user.items():
        if value is None and key in merged:
            del merged[key]
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = coalesce(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def as_helm_validates(user: dict) -> dict:
    """What Helm checks against values.schema.json for a values file: defaults + file."""
    return coalesce(chart_defaults(), user)
