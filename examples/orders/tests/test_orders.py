"""The orders chart, checked by the chart_harness plugin: one snapshot per environment
(values-staging.yaml, values-prod.yaml) with field-level explanations when it changes,
strict OpenAPI validation, and the effect of a standard-app bump in Chart.lock."""

from chart_harness.checks import *  # noqa: F403
