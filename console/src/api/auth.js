import { get, post, request } from './client'

export const me = () => get('/me')
export const logout = () => post('/auth/logout', undefined, { silent: true })
export const createTicket = () => post('/auth/console-tickets', undefined, { auth: false })
/** Poll a ticket with the secret only this browser tab holds. */
export const pollTicket = (ticket, secret) => request(
  'GET', `/auth/console-tickets/${encodeURIComponent(ticket)}`,
  { auth: false, silent: true, headers: { 'X-Poll-Secret': secret } })
