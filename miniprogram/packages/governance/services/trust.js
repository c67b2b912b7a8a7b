/** 信托制物业 共管账户: accounts I may read, statements, entries, co-signing, rechecks. */
const http = require('../../../utils/request');

module.exports = {
  accounts: () => http.get('/trust-accounts'),
  account: (id) => http.get(`/trust-accounts/${id}`),
  statement: (id, month) => http.get(`/trust-accounts/${id}/statements`, { month }),
  entries: (id, query) => http.get(`/trust-accounts/${id}/entries`, query),
  /** Entering requires an Idempotency-Key: keep the same one when the same entry is retried. */
  enter: (id, entry, idempotencyKey) => http.post(`/trust-accounts/${id}/entries`, entry,
    { idempotencyKey: idempotencyKey || http.newIdempotencyKey() }),
  cosign: (id, entryId) => http.post(`/trust-accounts/${id}/entries/${entryId}/cosign`, {}),
  reject: (id, entryId, reason) => http.post(`/trust-accounts/${id}/entries/${entryId}/reject`,
    { reason }),
  recheck: (id, entryId, { householdId, question }) => http.post(
    `/trust-accounts/${id}/entries/${entryId}/rechecks`,
    { household_id: householdId, question },
  ),
  rechecks: (id, query) => http.get(`/trust-accounts/${id}/rechecks`, query),
};
