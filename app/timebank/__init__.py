"""时间银行: the double-entry points ledger (accounts, transfers, postings, verify,
four-eyes adjustments). Every domain that moves points calls `app.timebank.service`."""
