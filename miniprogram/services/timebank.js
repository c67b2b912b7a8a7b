/** The time bank (时间银行) and the points mall (积分商城). */
const http = require('../utils/request');

module.exports = {
  account: () => http.get('/timebank/account'),
  entries: (query) => http.get('/timebank/entries', query),
  /** A gift. The API requires an Idempotency-Key: pass the same one when retrying it. */
  transfer: (toUserId, amount, memo, idempotencyKey) => http.post('/timebank/transfers',
    memo ? { to_user_id: toUserId, amount, memo } : { to_user_id: toUserId, amount },
    { idempotencyKey: idempotencyKey || http.newIdempotencyKey() }),
  items: (query) => http.get('/mall/items', query),
  /** Pass the same key when retrying the same redemption, so it happens once. */
  redeem: (itemId, idempotencyKey) => http.post(`/mall/items/${itemId}/redeem`, {},
    { idempotencyKey }),
  vouchers: (query) => http.get('/mall/vouchers', query),
  writeoff: (code) => http.post('/mall/vouchers/writeoff', { code }),
};
