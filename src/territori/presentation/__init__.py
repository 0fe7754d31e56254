"""What pages, reports, cards and the API show, below the interfaces that show it: chart and map
specifications, badges and plain-language sentences, table downloads and PDF rendering.

It may read selectors; it imports no views (an import-linter contract checks it).
"""
