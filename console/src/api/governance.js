// 民意与治理: feedback, mediation, meetings and projects, consultations, the co-managed
// account's entries, evaluations, talents (when the API exists).
import { get, post, request } from './client'

export const feedback = (q) => get('/feedback', { scope: 'community', ...q })
export const feedbackAction = (id, path, body = {}) => post(`/feedback/${id}/${path}`, body)
export const mediations = (q) => get('/mediations', { scope: 'community', ...q })
export const mediation = (id) => get(`/mediations/${id}`)
export const addSession = (id, body) => post(`/mediations/${id}/sessions`, body)
export const closeMediation = (id, body) => post(`/mediations/${id}/close`, body)
export const meetings = (q) => get('/meetings', q)
export const projects = (q) => get('/projects', q)
export const projectAction = (id, path, body = {}) => post(`/projects/${id}/${path}`, body)
export const consultations = (q) => get('/consultations', q)
export const consultation = (id) => get(`/consultations/${id}`, undefined, { silent: true })
export const trustAccounts = () => get('/trust-accounts')
export const trustEntries = (accountId, q) => get(`/trust-accounts/${accountId}/entries`, q)
export const cosignEntry = (accountId, entryId) =>
  post(`/trust-accounts/${accountId}/entries/${entryId}/cosign`, {}, { silent: true })
export const rejectEntry = (accountId, entryId, reason) =>
  post(`/trust-accounts/${accountId}/entries/${entryId}/reject`, { reason }, { silent: true })
export const evaluations = (q) => get('/evaluations', q)
/** Talents are built elsewhere: a 404 means "not yet available" (never a made-up list). */
export const talents = (q) => request('GET', '/talents', { query: q, silent: true })
