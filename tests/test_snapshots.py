"""Tier 1 and 2: every matrix case, rendered by both Helm versions, against its snapshot,
and the snapshot directory and the matrix in agreement.

These are the plugin's standard checks (src/chart_harness/checks.py), as any chart
repository uses them; the OpenAPI sweep of the same module runs in tests/test_openapi.py.
How to read and update snapshots: docs/snapshots.md.
"""

from chart_harness.checks import (  # noqa: F401 - collected by pytest
    test_case_files_are_well_named,
    test_every_case_has_a_snapshot,
    test_helm_versions_agree,
    test_no_unused_snapshots,
    test_snapshot,
)
