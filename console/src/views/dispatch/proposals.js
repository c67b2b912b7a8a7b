// 代下单 waiting for the resident's own agreement (`proposed`): who placed it, how the resident
// agreed, and when it lapses (the API cancels it at `deadline_at` unless the resident agrees).
import { countdown } from '../../utils/countdown'

export const PLACED_AS = { staff: '社区代下单', family: '家属代下单' }
export const CONSENTS = { phone_call: '电话确认', in_person: '当面确认', family: '家属确认' }

/** "家属代下单：小张" — or '—' when the request was not placed for someone else. */
export function placedByText(placedBy) {
  if (!placedBy) return '—'
  const how = PLACED_AS[placedBy.placed_as] || '代下单'
  return placedBy.nickname ? `${how}：${placedBy.nickname}` : how
}

/** "电话确认（10:05 来电，本人同意）"; the note only when the API showed it. */
export function consentText(consent) {
  if (!consent) return '—'
  const how = CONSENTS[consent.kind] || '其他方式'
  return consent.note ? `${how}（${consent.note}）` : how
}

/** "12-04 10:05" from the API's ISO time (its +08:00 wall clock). */
export const shortTime = (iso) => (iso ? iso.slice(5, 16).replace('T', ' ') : '—')

/**
 * When a proposal lapses, in words: {level, at, text}.
 * text: "剩余 1天23小时后自动取消", or "已到期，等待系统取消" once the deadline has passed (the
 * escalation job cancels it on its next run).
 */
export function lapse(deadline, now = Date.now()) {
  const c = countdown(deadline, now)
  if (c.level === 'none') return { level: 'none', at: '—', text: '无时限' }
  const text = c.level === 'overdue' ? '已到期，等待系统取消' : `${c.text}后自动取消`
  return { level: c.level, at: shortTime(deadline), text }
}
