"""The public pages, one module a section: home, frameworks, territories, indicators, comparisons,
coherence, atlas, programme, publication (reports, news, open data, search, infographics)."""
