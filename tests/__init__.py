"""Test suite for the common-lib and standard-app charts (see docs/snapshots.md)."""
