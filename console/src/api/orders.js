import { get, post, request } from './client'

/** The staff queue (overdue first). `etag`: '' or the last ETag → {data, etag} or {notModified}. */
export const queue = (query, etag) => request('GET', '/requests',
  { query: { scope: 'community', limit: 50, ...query }, etag: etag || '', silent: true })
export const getRequest = (id, opts) => get(`/requests/${id}`, undefined, opts)
export const events = (id) => get(`/requests/${id}/events`)
export const candidates = (id) => get(`/requests/${id}/candidates`)
export const dispatch = (id, partnerId) => post(`/requests/${id}/dispatch`, { partner_id: partnerId })
export const pool = (id) => post(`/requests/${id}/dispatch`, { pool: true })
export const recall = (id, reason) => post(`/requests/${id}/recall`, reason ? { reason } : {})
export const cancel = (id, reason) => post(`/requests/${id}/cancel`, { reason })
