"""积分商城: merchants, items, redemption with points, vouchers, write-off and expiry.

The points move through the time bank's ledger (`app.timebank.service`); the time bank knows
nothing of the mall."""
