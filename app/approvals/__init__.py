"""审核: what waits for a community's staff, across domains (read-only, above them)."""
