"""Territori: the platform of a metropolitan city's Sustainable Development Agenda."""

__version__ = "0.1.0"
