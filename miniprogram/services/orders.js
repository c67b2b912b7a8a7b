/**
 * Service requests: 点单 → 派单 → 接单 → 服务 → 确认. Every step is a POST to
 * /requests/{id}/<action>; the API checks actor and state (409 invalid_transition otherwise).
 * Each step carries an Idempotency-Key kept until the API answers (`http.once`), so tapping
 * again after a lost answer repeats the same step instead of doing it twice.
 */
const http = require('../utils/request');

const act = (id, action, body) => http.once('POST', `/requests/${id}/${action}`,
  `request:${id}:${action}`, body || {});

module.exports = {
  /** scope: mine | community | assigned | pool; status optional. */
  list: (query) => http.get('/requests', query),
  get: (id) => http.get(`/requests/${id}`),
  events: (id, query) => http.get(`/requests/${id}/events`, query),
  candidates: (id) => http.get(`/requests/${id}/candidates`),
  /**
   * The API requires an Idempotency-Key here. Pass the same key when retrying the same order
   * (a fresh one is made otherwise), so a retry never orders twice. `phrase`: one of the
   * category's preset phrases; `photoIds`: from POST /files. 代下单: `forUserId` (the resident)
   * with `consent` `{kind: phone_call|in_person|family, note?}`.
   */
  create: ({
    categoryId, householdId, description, phrase, photoIds, preferredStart, preferredEnd,
    forUserId, consent, idempotencyKey,
  }) => http.post(
    '/requests', {
      category_id: categoryId,
      household_id: householdId,
      description,
      phrase: phrase || undefined,
      photo_ids: photoIds && photoIds.length ? photoIds : undefined,
      preferred_start: preferredStart || undefined,
      preferred_end: preferredEnd || undefined,
      for_user_id: forUserId || undefined,
      consent: forUserId ? consent : undefined,
    }, { idempotencyKey: idempotencyKey || http.newIdempotencyKey() }),
  /** The resident agrees to a proxy order placed for them (代下单). */
  agree: (id) => act(id, 'agree'),
  dispatch: (id, partnerId) => act(id, 'dispatch', { partner_id: partnerId }),
  releaseToPool: (id) => act(id, 'dispatch', { pool: true }),
  claim: (id) => act(id, 'claim'),
  accept: (id) => act(id, 'accept'),
  decline: (id, reason) => act(id, 'decline', { reason }),
  start: (id) => act(id, 'start'),
  /** `photoIds`: files from POST /files, the proof of the work (required by some categories). */
  complete: (id, minutes, note, photoIds) => act(id, 'complete', {
    minutes, note: note || undefined, photo_ids: photoIds && photoIds.length ? photoIds : undefined,
  }),
  confirm: (id, rating, comment) => act(id, 'confirm', comment ? { rating, comment } : { rating }),
  dispute: (id, reason) => act(id, 'dispute', { reason }),
  resolve: (id, outcome, minutes) => act(id, 'resolve',
    minutes ? { outcome, minutes } : { outcome }),
  cancel: (id, reason) => act(id, 'cancel', { reason }),
};
