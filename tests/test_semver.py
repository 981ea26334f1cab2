"""The one SemVer implementation: chart versions, dependency pins and kubeVersion constraints."""

from __future__ import annotations

import pytest

from chart_harness.semver import SemVer, is_exact, satisfies


def test_precedence_and_major_bumps() -> None:
    v = SemVer.parse
    ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"]
    assert sorted(ordered, key=v) == ordered and sorted(reversed(ordered), key=v) == ordered
    assert v("1.0.0+build.5") == v("1.0.0") and str(v("1.0.0+build.5")) == "1.0.0+build.5"
    assert v("2.0.0").breaking_allowed_after(v("1.4.2"))
    assert v("2.0.0-rc.1").breaking_allowed_after(v("1.4.2"))
    assert not v("1.5.0").breaking_allowed_after(v("1.4.2"))
    assert v("0.3.0").breaking_allowed_after(v("0.2.7"))  # 0.x: a minor bump may break
    assert not v("0.2.8").breaking_allowed_after(v("0.2.7"))
    with pytest.raises(ValueError, match="not a semantic version"):
        v("1.0")


@pytest.mark.parametrize("text", ["2.0.0", "v1.4.2", "1.0.0-rc.1", "1.0.0+build.5"])
def test_an_exact_version_is_a_pin(text: str) -> None:
    assert is_exact(text)


@pytest.mark.parametrize("text", ["~2.0.0", "^2.0.0", "2.x", ">=2.0.0", "2.0", "2.0.0 || 3.0.0", "1.0.0-01", ""])
def test_a_range_or_a_malformed_version_is_not_a_pin(text: str) -> None:
    assert not is_exact(text)


@pytest.mark.parametrize(
    ("constraint", "admitted", "refused"),
    [
        (">=1.29.0-0", [(1, 29, 0), (1, 37, 0)], [(1, 28, 0)]),
        (">= 1.29.0, < 1.33.0", [(1, 29, 0), (1, 32, 0)], [(1, 28, 0), (1, 33, 0)]),
        ("~1.30", [(1, 30, 0)], [(1, 29, 0), (1, 31, 0)]),
        ("1.29.x || >=1.31", [(1, 29, 0), (1, 31, 0)], [(1, 30, 0)]),
        ("^1.30.0", [(1, 30, 0), (1, 37, 0)], [(1, 29, 0), (2, 0, 0)]),
        ("!=1.30.0", [(1, 29, 0), (1, 31, 0)], [(1, 30, 0)]),
    ],
)
def test_constraints(constraint: str, admitted: list, refused: list) -> None:
    assert all(satisfies(constraint, v) for v in admitted)
    assert not any(satisfies(constraint, v) for v in refused)
    assert satisfies(constraint, SemVer.parse("%d.%d.%d" % admitted[0]))


def test_an_unknown_constraint_clause_is_an_error() -> None:
    with pytest.raises(ValueError, match="unsupported version constraint clause"):
        satisfies("=>1.29", (1, 29, 0))
