"""chart_harness: a pytest plugin for Helm charts (entry point chart_harness.plugin).

Modules (each small, each importable on its own):
    settings   the chart_* ini options, resolved (charts, cases, release, Helm matrix, ...)
    plugin     the pytest plugin: options, fixtures, hooks
    checks     the standard tests (snapshot, Helm equivalence, matrix, OpenAPI), to import
    errors     HarnessError and its kinds; library code raises, the plugin reports
    helm       the Helm runner: helm_matrix(), HelmVersion, HelmError
    render     the content-addressed render cache: render_chart(), render_case()
    deps       chart content hashing; keeps charts/*.tgz of file:// dependencies current
    cases      the values matrix: <chart>/ci/<case>-values.yaml
    snapshot   the syrupy extension: one YAML file per case
    explain    per-resource, per-field explanations of document differences
    openapi    strict OpenAPI validation for several Kubernetes versions
    policy     the restricted Pod Security Standard checks
    invariants rules every rendered release keeps (selectors, probes, labels, hooks, ...)
    findings   the one-line finding every check reports
    upgrade    the upgrade guard: previous release vs current chart, the verdict
    previous_release  where the previous release comes from (registry, git tag, baseline)
    immutable  the immutable-field and delete/recreate rules: compare_releases(), Finding
    chart_version     Chart.yaml name and version of a chart directory or package
    gate_summary, stats   the numbers in the pytest terminal summary
    files, yamlio, semver atomic writes and locks, YAML I/O, SemVer
"""
