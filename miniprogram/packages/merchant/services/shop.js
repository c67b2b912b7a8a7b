/** A merchant's own: its write-offs (sales with status used) and its items in the points mall. */
const http = require('../../../utils/request');

module.exports = {
  /** Buyers are masked and codes are never listed (only the buyer shows the code). */
  writeoffs: (merchantId, page) => http.get(`/mall/merchants/${merchantId}/vouchers`, { status: 'used', ...page }),
  items: (merchantId, page) => http.get('/mall/items', { merchant_id: merchantId, include_unpublished: true, ...page }),
  updateItem: (itemId, changes) => http.patch(`/mall/items/${itemId}`, changes),
};
