/** Volunteering: activities and shifts, sign-up, on-site check-in and out, party registration. */
const http = require('../utils/request');

module.exports = {
  activities: (query) => http.get('/activities', query),
  signup: (shiftId) => http.post(`/shifts/${shiftId}/signup`),
  cancelSignup: (shiftId) => http.del(`/shifts/${shiftId}/signup`),
  checkinCode: (shiftId) => http.get(`/shifts/${shiftId}/checkin-code`),
  checkin: (shiftId, { lat, lng, code }, idempotencyKey) => http.post(`/shifts/${shiftId}/checkin`,
    code ? { lat, lng, code } : { lat, lng }, { idempotencyKey }),
  checkout: (shiftId, { lat, lng, code }) => http.post(`/shifts/${shiftId}/checkout`,
    code ? { lat, lng, code } : { lat, lng }),
  /** My personal single-use pass for the shift: `{token, expires_in, kind: 'in'|'out', qr}`. */
  shiftPass: (shiftId) => http.get(`/shifts/${shiftId}/pass`),
  /** Staff on site: check a volunteer in or out with the pass scanned from their phone. */
  scan: (shiftId, token, kind, idempotencyKey) => http.post(`/shifts/${shiftId}/scan`,
    { token, kind }, { idempotencyKey }),
  /** Staff: a community's attendances; `status: 'pending'` is the review queue. */
  attendances: (query) => http.get('/attendances', query),
  myAttendances: (query) => http.get('/me/attendances', query),
  myRecord: () => http.get('/me/volunteer-record'),
  myRegistrations: (query) => http.get('/me/party-registrations', query),
  approveAttendance: (id) => http.post(`/attendances/${id}/approve`, {}),
  register: ({ communityId, unitName, roles }) => http.post('/party/registrations',
    { community_id: communityId, unit_name: unitName, roles }),
};

/**
 * What a scanned check-in QR carries: staff screens show `llt:checkin:<shift id>:<6 digits>`;
 * a bare 6-digit code (typed or from another display) is accepted too. Returns the code, or ''
 * when the QR is not a check-in code or belongs to another shift.
 */
function codeFromQr(result, shiftId) {
  const text = String(result || '').trim();
  const m = /^llt:checkin:(\d+):(\d{6})$/.exec(text);
  if (m) return Number(m[1]) === Number(shiftId) ? m[2] : '';
  return /^\d{6}$/.test(text) ? text : '';
}

/**
 * What a volunteer's personal pass QR carries: `llt:pass:<token>`. Returns the token, or ''
 * when the QR is something else (the site's check-in code, a voucher…).
 */
function passFromQr(result) {
  const m = /^llt:pass:([0-9A-Za-z._-]{1,200})$/.exec(String(result || '').trim());
  return m ? m[1] : '';
}

module.exports.codeFromQr = codeFromQr;
module.exports.passFromQr = passFromQr;
