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
  /**
   * Give back an unused voucher: its points come back once. The Idempotency-Key is kept until the
   * API answers, so a tap after a lost answer repeats the same cancellation.
   */
  cancelVoucher: (id) => http.once('POST', `/mall/vouchers/${id}/cancel`, `voucher:${id}:cancel`, {}),
  /** `text`: what was scanned or typed, the QR payload or the bare code (see voucherCode). */
  writeoff: (text) => {
    const code = voucherCode(text);
    return http.once('POST', '/mall/vouchers/writeoff', `writeoff:${code}`, { code });
  },
};

/**
 * A voucher's QR holds `llt-voucher:<code>` (the API's `qr_payload`); the counter may also
 * type the bare code. Either way: the code, upper case, without spaces.
 */
function voucherCode(text) {
  const raw = String(text || '').trim();
  const code = /^llt-voucher:/i.test(raw) ? raw.slice('llt-voucher:'.length) : raw;
  return code.replace(/\s+/g, '').toUpperCase();
}

module.exports.voucherCode = voucherCode;
