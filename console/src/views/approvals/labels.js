// Words for this screen's API values.
export const RELATIONS = { owner: '业主', family: '家属', tenant: '租户' }
export const DECISIONS = { pending: '待审核', approved: '已通过', rejected: '已驳回' }
export const ATTENDANCE = {
  checked_in: '已签到', pending: '待审核', partial: '时长不足', credited: '已入账', rejected: '已驳回',
}
export const PROOFS = { pass: '扫个人码', code: '现场码+定位', gps: '仅定位' }
export const proof = (p) => PROOFS[p] || '无'
export const fmt = (t) => (t ? String(t).replace('T', ' ').slice(0, 16) : '')
/** A check-in never checked out, minutes not entered yet: staff enter the minutes first. */
export const unfinished = (a) => !a.manual && a.checked_in_at && !a.checked_out_at
