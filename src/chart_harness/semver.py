"""Semantic versions: the one parser for chart versions, dependency pins and kubeVersion.

    SemVer.parse("2.1.0-rc.1")        semver.org 2.0.0 grammar and precedence; build
                                      metadata is kept in the text, ignored in comparisons
    is_exact("2.0.0") / ("~2.0")      one exact version (a pin), not a range
    satisfies(">=1.29.0-0", v)        a Helm constraint (Masterminds syntax) against a version

Constraints follow what charts write: `||` alternatives of comma- or space-separated
clauses with >=, <=, >, <, =, !=, ~, ^ and x wildcards. A constraint's pre-release part
(`-0`, which makes Helm accept provider builds such as 1.29.3-gke.1) is ignored: the
versions tested against it are releases (x.y.0).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@functools.total_ordering
@dataclass(frozen=True)
class SemVer:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> SemVer:
        match = _SEMVER.match(str(text).strip())
        if not match:
            raise ValueError(
                f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH[-prerelease][+build], "
                "e.g. 1.4.0); Helm requires SemVer 2 chart versions"
            )
        major, minor, patch, pre, _build = match.groups()
        return cls(int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else (), str(text))

    def __str__(self) -> str:
        return self.text or f"{self.major}.{self.minor}.{self.patch}" + (
            f"-{'.'.join(self.prerelease)}" if self.prerelease else ""
        )

    def _key(self) -> tuple:
        # A release sorts after its pre-releases; numeric identifiers sort before alphanumeric.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: SemVer) -> bool:
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SemVer) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def release(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def breaking_allowed_after(self, previous: SemVer) -> bool:
        """True if going from `previous` to this version may break users.

        SemVer: a new major version; while the major version is 0, a new minor
        version (semver.org item 4: "anything MAY change at any time").
        """
        if self.major != previous.major:
            return self.major > previous.major
        return self.major == 0 and self.minor > previous.minor


def is_exact(text: str) -> bool:
    """One exact version, as a pin must be (`2.0.0`), not a range (`~2.0.0`, `2.x`)."""
    try:
        SemVer.parse(text)
    except ValueError:
        return False
    return True


_CLAUSE = re.compile(r"^(>=|<=|!=|>|<|=|~|\^)?\s*v?(\d+)(?:\.(\d+|x|X|\*))?(?:\.(\d+|x|X|\*))?(?:-[0-9A-Za-z.-]+)?$")


def _clause_admits(clause: str, version: tuple[int, int, int]) -> bool:
    m = _CLAUSE.match(clause.strip())
    if not m:
        raise ValueError(f"unsupported version constraint clause {clause!r}")
    op, major, minor, patch = m.group(1) or "=", int(m.group(2)), m.group(3), m.group(4)
    wild_minor = minor is None or not minor.isdigit()
    wild_patch = patch is None or not patch.isdigit()
    low = (major, 0 if wild_minor else int(minor), 0 if wild_patch else int(patch))
    if op == "~":  # ~1.29 = >=1.29.0 <1.30.0 (or <2.0.0 for ~1)
        high = (major + 1, 0, 0) if wild_minor else (major, int(minor) + 1, 0)
        return low <= version < high
    if op == "^":
        return low <= version < (major + 1, 0, 0)
    if op == "=" and (wild_minor or wild_patch):
        return version[: 1 if wild_minor else 2] == low[: 1 if wild_minor else 2]
    return {
        "=": version == low,
        "!=": version != low,
        ">": version > low,
        ">=": version >= low,
        "<": version < low,
        "<=": version <= low,
    }[op]


def satisfies(constraint: str, version: SemVer | tuple[int, int, int]) -> bool:
    """Does a Helm version constraint (Masterminds syntax) admit a release version?"""
    release = version.release if isinstance(version, SemVer) else tuple(version)
    for alternative in constraint.split("||"):
        alternative = re.sub(r"(>=|<=|!=|>|<|=|~|\^)\s+", r"\1", alternative.strip())
        clauses = [c for c in re.split(r"[,\s]+", alternative) if c]
        if clauses and all(_clause_admits(c, release) for c in clauses):
            return True
    return False
