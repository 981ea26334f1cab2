"""Reading Helm manifests and writing canonical YAML.

Documents are read the way Kubernetes reads them (YAML to JSON): timestamps stay
strings. Written YAML is canonical: sorted keys, block style, multi-line strings
as literal blocks, no line folding, no anchors, so equal documents always give
byte-identical text.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class KubeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader without the timestamp resolver (Kubernetes keeps them as strings)."""


KubeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CanonicalDumper(_BaseDumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


CanonicalDumper.add_representer(str, _represent_str)

# Helm separates documents with a line "---"; each is preceded by "# Source: <template>".
_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)


def load_manifest(manifest: str) -> tuple[list[dict], list[str]]:
    """Split `helm template` output into documents and the template each came from."""
    docs: list[dict] = []
    sources: list[str] = []
    for chunk in _SEPARATOR.split(manifest):
        source = _SOURCE.search(chunk)
        for doc in yaml.load_all(chunk, Loader=KubeLoader):
            if doc is None:
                continue
            if not isinstance(doc, dict):
                raise ValueError(
                    f"{source.group(1) if source else 'manifest'}: expected a Kubernetes "
                    f"object (a mapping), got {type(doc).__name__}: {doc!r:.80}"
                )
            docs.append(doc)
            sources.append(source.group(1) if source else "")
    return docs, sources


def load_documents(text: str) -> list[dict]:
    """All non-empty documents of a YAML stream."""
    return [doc for doc in yaml.load_all(text, Loader=KubeLoader) if doc is not None]


def dump(data: Any) -> str:
    """Canonical YAML for one document (or any value)."""
    return yaml.dump(
        data,
        Dumper=CanonicalDumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 16,
        indent=2,
    )
