"""银发人才库, compound party secretary candidates and the owners' party-member ledger."""
