/**
 * Volunteering: activities and shifts, sign-up, on-site check-in and out, party registration.
 *
 * Sign-up, check-in and check-out go through `http.once`: an Idempotency-Key (and the body) kept
 * until the API answers, so a tap after a lost answer repeats the same request — with the
 * position and code of the first try — and is answered by it. The key is managed here; a key a
 * page passes is not needed.
 */
const http = require('../utils/request');
const subscribe = require('../utils/subscribe');

const presence = ({ lat, lng, code }) => (code ? { lat, lng, code } : { lat, lng });

module.exports = {
  activities: (query) => http.get('/activities', query),
  getShift: (shiftId) => http.get(`/shifts/${shiftId}`),
  getActivity: (activityId) => http.get(`/activities/${activityId}`),
  /**
   * Every sign-up button wants the waitlist message, so the sign-up asks for it itself: called
   * synchronously from the tap, this is still inside the tap WeChat requires.
   */
  signup: (shiftId) => subscribe.ask(subscribe.WISHES.signup)
    .then(() => http.once('POST', `/shifts/${shiftId}/signup`, `signup:${shiftId}`, {})),
  cancelSignup: (shiftId) => http.del(`/shifts/${shiftId}/signup`),
  checkinCode: (shiftId) => http.get(`/shifts/${shiftId}/checkin-code`),
  checkin: (shiftId, position) => http.once('POST', `/shifts/${shiftId}/checkin`,
    `checkin:${shiftId}`, presence(position)),
  checkout: (shiftId, position) => http.once('POST', `/shifts/${shiftId}/checkout`,
    `checkout:${shiftId}`, presence(position)),
  /** My personal single-use pass for the shift: `{token, expires_in, kind: 'in'|'out', qr}`. */
  shiftPass: (shiftId) => http.get(`/shifts/${shiftId}/pass`),
  /**
   * Staff on site: check a volunteer in or out with the pass scanned from their phone. Each scan
   * is its own act (the pass is single-use), so the page passes a fresh key per scan.
   */
  scan: (shiftId, token, kind, idempotencyKey) => http.post(`/shifts/${shiftId}/scan`,
    { token, kind }, { idempotencyKey }),
  myAttendances: (query) => http.get('/me/attendances', query),
  myRecord: () => http.get('/me/volunteer-record'),
  myRegistrations: (query) => http.get('/me/party-registrations', query),
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
