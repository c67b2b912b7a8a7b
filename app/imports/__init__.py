"""Bulk import from spreadsheets: the household register and the party-member roster."""
