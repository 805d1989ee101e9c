"""Landing: an ingest asset per registered source, with its files-readable, freshness and revision
checks, and the blocking GX check on the landed partitions."""

import dagster as dg


def defs() -> dg.Definitions:
    from orchestration.defs.landing.assets import ingest_assets
    from orchestration.defs.landing.checks import landing_checks

    return dg.Definitions(assets=ingest_assets(), asset_checks=landing_checks())
