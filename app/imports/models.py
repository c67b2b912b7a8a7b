"""Imports keep no tables of their own: the household register goes into community's
compounds, buildings and households, the roster into the talents domain's ledger."""
