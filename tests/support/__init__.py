"""This repository's test support, beside the chart_harness plugin (src/chart_harness/):
what only this repository has.

    tools       its layout: .tools/bin, scripts/versions.env, charts/standard-app, common-lib
    registry    a real OCI registry, isolated Helm homes and keys, for the distribution tests
    cluster     a throwaway control plane for the release drills; admission: its checks
    checkov     checkov over every rendered release, with the documented skips
    corpus      the adversarial values corpora; edits: breaking a chart copy on purpose
    fleet*      the fleet-impact report (discovery, rendering, Markdown)
    hygiene     template and schema source rules of these charts
    values      standard-app's defaults, coalesced like Helm does
    timing      wall and CPU time of one process, for the benchmark
"""
