"""Writes of the monitoring system, one module a concern: the import pipeline, the indicator
catalogue, and the results recomputed from the observations."""

from .catalogue import (
    INDICATOR_FIELDS,
    PERCENT_UNITS,
    indicators_upsert,
    istat_wide_indicator_items,
    istat_wide_indicators_create,
)
from .imports import (
    VALUE_FIELDS,
    ImportOutcome,
    import_batch_apply,
    observation_delete,
    observations_import,
    observations_preview,
)
from .results import (
    COMPOSITE_COLUMNS,
    COMPOSITE_METHODS,
    PROJECTION_YEAR,
    indicator_aggregate,
    indicator_results_refresh,
    node_composites_refresh,
    peer_ranks_missing,
    peer_ranks_refresh,
)

__all__ = [
    "COMPOSITE_COLUMNS",
    "COMPOSITE_METHODS",
    "INDICATOR_FIELDS",
    "PERCENT_UNITS",
    "PROJECTION_YEAR",
    "VALUE_FIELDS",
    "ImportOutcome",
    "import_batch_apply",
    "indicator_aggregate",
    "indicator_results_refresh",
    "indicators_upsert",
    "istat_wide_indicator_items",
    "istat_wide_indicators_create",
    "node_composites_refresh",
    "observation_delete",
    "observations_import",
    "observations_preview",
    "peer_ranks_missing",
    "peer_ranks_refresh",
]
