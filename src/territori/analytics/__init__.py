"""Pure analytics core: numpy, pandas, scipy and igraph only, no Django, no I/O.

Every function works on all series at once: a panel is a matrix of values (one row per
series, one column per year of a contiguous range, NaN where there is no value).
"""
