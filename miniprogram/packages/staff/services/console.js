/**
 * 扫码登录管理后台: the web console shows a QR `llt-console:<ticket>`; a signed-in staff member
 * (or street admin, organisation department, admin) confirms it here, and the console that asked
 * for the ticket is logged in as them. The console's poll secret never reaches the phone.
 */
const http = require('../../../utils/request');

const PREFIX = 'llt-console:';

/** The ticket inside a scanned QR, or '' for any other code. */
function ticketFromQr(text) {
  const value = String(text || '').trim();
  if (!value.startsWith(PREFIX)) return '';
  const ticket = value.slice(PREFIX.length);
  return /^[A-Za-z0-9_-]{16,64}$/.test(ticket) ? ticket : '';
}

module.exports = {
  PREFIX,
  ticketFromQr,
  confirm: (ticket) => http.post(`/auth/console-tickets/${encodeURIComponent(ticket)}/confirm`),
};
