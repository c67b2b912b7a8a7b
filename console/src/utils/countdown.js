// Deadline countdowns for the dispatch board: how long is left, or how long overdue, in words.
const MINUTE = 60
const HOUR = 3600
const DAY = 86400
export const SOON_SECONDS = 2 * HOUR

/** "2天3小时" / "3小时5分" / "12分" / "45秒": the largest two units that matter. */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds))
  if (s >= DAY) {
    const h = Math.floor((s % DAY) / HOUR)
    return `${Math.floor(s / DAY)}天${h ? `${h}小时` : ''}`
  }
  if (s >= HOUR) {
    const m = Math.floor((s % HOUR) / MINUTE)
    return `${Math.floor(s / HOUR)}小时${m ? `${m}分` : ''}`
  }
  if (s >= MINUTE) return `${Math.floor(s / MINUTE)}分`
  return `${s}秒`
}

/**
 * countdown(deadline, now) → {level, seconds, text}
 * level: 'none' (no deadline), 'overdue', 'soon' (under two hours), 'ok'.
 * `deadline`: an ISO time with its offset (the API's +08:00) or a Date; `now`: ms or Date.
 */
export function countdown(deadline, now = Date.now()) {
  if (!deadline) return { level: 'none', seconds: null, text: '无时限' }
  const at = deadline instanceof Date ? deadline.getTime() : Date.parse(deadline)
  if (Number.isNaN(at)) return { level: 'none', seconds: null, text: '无时限' }
  const nowMs = now instanceof Date ? now.getTime() : now
  const seconds = Math.round((at - nowMs) / 1000)
  if (seconds <= 0) return { level: 'overdue', seconds, text: `已超时 ${formatDuration(-seconds)}` }
  return { level: seconds < SOON_SECONDS ? 'soon' : 'ok', seconds,
    text: `剩余 ${formatDuration(seconds)}` }
}

/** Overdue first, then the nearest deadline; requests without one last (the API's order). */
export function byDeadline(a, b) {
  const ta = a.deadline_at ? Date.parse(a.deadline_at) : Infinity
  const tb = b.deadline_at ? Date.parse(b.deadline_at) : Infinity
  return ta - tb || a.id - b.id
}
