// 志愿服务: activities, shifts, sign-ups and the waitlist, the on-site code, leaderboards.
import { get, patch, post } from './client'

export const activities = (q) => get('/activities', q)
export const activity = (id) => get(`/activities/${id}`)
export const createActivity = (body) => post('/activities', body)
/** Partial changes: only the fields sent change (PATCH). */
export const updateActivity = (id, body) => patch(`/activities/${id}`, body)
export const updateShift = (id, body) => patch(`/shifts/${id}`, body)
export const addShift = (activityId, body) => post(`/activities/${activityId}/shifts`, body)
export const shift = (id, opts) => get(`/shifts/${id}`, undefined, opts)
export const signups = (shiftId, q) => get(`/shifts/${shiftId}/signups`, q)
export const closeShift = (id) => post(`/shifts/${id}/close`)
/** {code, expires_in, qr}: the shift-wide code (rotates every 60 s). */
export const checkinCode = (shiftId) => get(`/shifts/${shiftId}/checkin-code`, undefined,
  { silent: true })
export const teams = (communityId) => get('/teams', { community_id: communityId, limit: 100 })
export const communityLeaderboard = (communityId, period) =>
  get(`/communities/${communityId}/leaderboard`, { period, limit: 50 })
export const teamLeaderboard = (teamId, period) =>
  get(`/teams/${teamId}/leaderboard`, { period, limit: 50 })
