"""Signals between apps that must not import each other.

`bulk_created`: rows written with `bulk_create` (which sends no `post_save`); sender is the model,
`pks` the new primary keys. The search index (publication) listens, so a domain app's bulk
import is searchable without the domain app importing the publication layer.

`results_refreshed`: the monitoring results were recomputed after new data (sender: the
task; `codes`: the indicators recomputed, None for all); publication rebuilds the open-data
files then, in the background, and participation tells the followers of their Missions.

`project_updated`: a project's public log has a new entry (sender: the Project model,
`project`, `update`); participation tells the project's followers.
"""

from __future__ import annotations

from django.dispatch import Signal

bulk_created = Signal()
results_refreshed = Signal()
project_updated = Signal()
