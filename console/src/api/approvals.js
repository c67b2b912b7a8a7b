// 审核: counts (app/approvals) and the actions of each kind, in their own domains' routes.
import { get, post } from './client'

export const counts = (communityId) => get('/approvals/counts', { community_id: communityId })

// Household bindings (app/community)
export const bindings = (q) => get('/household-bindings', q)
export const approveBinding = (id, note = '') =>
  post(`/household-bindings/${id}/approve`, { note }, { silent: true })
export const rejectBinding = (id, note) =>
  post(`/household-bindings/${id}/reject`, { note }, { silent: true })

// 双报到 (app/party)
export const partyRegistrations = (q) => get('/party/registrations', q)
export const approveParty = (id, note = '') =>
  post(`/party/registrations/${id}/approve`, { note }, { silent: true })
export const rejectParty = (id, note) =>
  post(`/party/registrations/${id}/reject`, { note }, { silent: true })

// Attendance and 补录 (app/volunteering)
export const attendances = (q) => get('/attendances', q)
export const approveAttendance = (id, minutes, note = '') =>
  post(`/attendances/${id}/approve`, minutes === undefined || minutes === null
    ? { note } : { minutes, note }, { silent: true })
export const rejectAttendance = (id, note) =>
  post(`/attendances/${id}/reject`, { note }, { silent: true })
export const enterMinutes = (id, minutes, reason) =>
  post(`/attendances/${id}/minutes`, { minutes, reason }, { silent: true })

// Content held by the content check (app/approvals + app/orders)
export const heldRequests = (q) => get('/approvals/held-requests', q)
export const publishContent = (id) => post(`/requests/${id}/content/approve`, {}, { silent: true })
export const cancelRequest = (id, reason) =>
  post(`/requests/${id}/cancel`, { reason }, { silent: true })
