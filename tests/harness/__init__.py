"""The render/snapshot harness shared by every test module.

Modules (each small, each importable on its own):
    tools     paths of the pinned binaries in .tools/bin; require_tool()
    helm      the Helm runner: HELM_VERSIONS, HelmVersion, HelmError
    render    the content-addressed render cache: render_chart(), render_case()
    deps      chart content hashing; keeps charts/*.tgz of file:// dependencies current
    cases     the values matrix: charts/standard-app/ci/<case>-values.yaml
    snapshot  the syrupy extension: one YAML file per case in tests/snapshots/
    explain   per-resource, per-field explanations of document differences
    stats     Helm process and render-cache counters for the pytest summary
    files     atomic writes and flock-based locks shared by xdist workers
    yamlio    reading Helm output, writing canonical YAML
    semver    the one SemVer: chart versions, dependency pins, kubeVersion constraints

The other modules here belong to the other test tiers (invariants, registry, ...).
"""
