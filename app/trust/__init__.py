"""信托制物业: a compound's co-managed account, co-signed by both sides, open to every owner."""
