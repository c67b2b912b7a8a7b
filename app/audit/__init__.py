"""The audit log: an append-only record of sensitive acts, kept at least 6 months."""
