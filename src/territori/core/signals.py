"""Signals between apps that must not import each other.

`bulk_created`: rows written with `bulk_create` (which sends no `post_save`); sender is the model,
`pks` the new primary keys. The search index (publication) listens, so a domain app's bulk
import is searchable without the domain app importing the publication layer.

`results_refreshed`: the monitoring results were recomputed after new data (sender: the
task); publication rebuilds the open-data files then, in the background.
"""

from __future__ import annotations

from django.dispatch import Signal

bulk_created = Signal()
results_refreshed = Signal()
