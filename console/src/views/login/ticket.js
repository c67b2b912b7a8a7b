// The login ticket of this browser tab. The poll secret lives only in sessionStorage: it never
// leaves this tab (the QR shows the ticket alone), so whoever sees the QR cannot collect the token.
const KEY = 'llt.console.ticket'

export function saveTicket(t) {
  sessionStorage.setItem(KEY, JSON.stringify(t))
}

export function loadTicket(now = Date.now()) {
  try {
    const t = JSON.parse(sessionStorage.getItem(KEY) || 'null')
    return t && t.expiresAt > now ? t : null
  } catch (e) {
    return null
  }
}

export function dropTicket() {
  sessionStorage.removeItem(KEY)
}

/** `?once=<ticket>.<secret>` from `flask console-login` → {ticket, secret}, or null. */
export function parseOnce(value) {
  if (typeof value !== 'string') return null
  const dot = value.indexOf('.')
  if (dot <= 0 || dot === value.length - 1) return null
  return { ticket: value.slice(0, dot), secret: value.slice(dot + 1) }
}
