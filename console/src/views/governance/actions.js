// Which desk actions a record's status allows (the API still checks who may act, and says
// so in Chinese when it refuses). Mirrors app/feedback/machine.py and app/projects/service.py.

/** Feedback: accept, resolve (with a reply), transfer to the street and close unresolved
 * (each with a reason). */
export const FEEDBACK_ACTIONS = {
  accept: { label: '受理', from: ['open', 'reopened', 'transferred'] },
  resolve: { label: '答复办结', from: ['accepted'], prompt: '请填写答复内容（居民可见）', field: 'reply' },
  transfer: { label: '转街道', from: ['open', 'accepted'], prompt: '请填写转街道办理的原因', field: 'reason',
    confirm: '转街道后由街道受理办理。确定转交？' },
  close_unresolved: { label: '办结未解决', from: ['open', 'accepted', 'reopened', 'transferred', 'resolved'],
    prompt: '请填写未能解决的原因（居民可见）', field: 'reason', confirm: '办结后该诉求不再办理。确定以“未解决”办结？',
    danger: true },
}

// What a street admin may do to what was transferred to the street (app/feedback/machine.py).
const STREET_ACTIONS = { accept: ['transferred'], resolve: ['accepted'], close_unresolved: ['transferred'] }

/** The actions a status allows: to the community's staff (`scope` 'community', the default) a
 * report transferred to the street is the street's to accept; the street (`scope` 'street') may
 * accept, resolve and close unresolved what was transferred to it, never transfer. */
export function feedbackActions(status, scope = 'community') {
  const keys = Object.entries(FEEDBACK_ACTIONS).filter(([, a]) => a.from.includes(status))
    .map(([key]) => key)
  if (scope === 'street') return keys.filter((k) => (STREET_ACTIONS[k] || []).includes(status))
  return status === 'transferred' ? keys.filter((k) => k !== 'accept') : keys
}

/** Projects on the kanban: planned → in_progress → done; planned or in_progress → dropped. */
export const PROJECT_MOVES = {
  start: { label: '开始实施', from: ['planned'], to: 'in_progress' },
  progress: { label: '登记进展', from: ['planned', 'in_progress'], to: 'in_progress' },
  done: { label: '完成', from: ['in_progress'], to: 'done', confirm: true },
  drop: { label: '终止', from: ['planned', 'in_progress'], to: 'dropped', confirm: true, danger: true },
}

export function projectMoves(status) {
  return Object.entries(PROJECT_MOVES).filter(([, m]) => m.from.includes(status)).map(([key]) => key)
}

/** A progress percentage: a whole number 0–100 and never below the project's last one. */
export function progressError(percent, before = 0) {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) return '进度须为0到100的整数'
  if (percent < (before || 0)) return `进度不能低于上次的${before}%`
  return ''
}

/** The body of POST /mediations/{id}/close from the form; a Chinese message when incomplete. */
export function closeBody(form) {
  const body = { outcome: form.outcome, note: (form.note || '').trim() }
  if (!form.outcome) return { error: '请选择调解结果' }
  if (form.outcome === 'agreed') {
    const duties = (form.duties || []).filter((d) => d.party_id || (d.duty || '').trim())
    if (!duties.length) return { error: '达成协议须写明各方义务' }
    if (duties.some((d) => !d.party_id || !(d.duty || '').trim() || !d.due_on)) {
      return { error: '每项义务须选择当事人、填写内容和履行期限' }
    }
    body.duties = duties.map((d) => ({ party_id: d.party_id, duty: d.duty.trim(),
      method: (d.method || '').trim(), due_on: d.due_on }))
  }
  if (form.outcome === 'referred') {
    if (!(form.referred_to || '').trim()) return { error: '请填写移交的单位' }
    body.referred_to = form.referred_to.trim()
  }
  return { body }
}

/**
 * Which feedback list a user reads for a community: its staff (and admins) the community's
 * queue; a street admin the reports transferred to the street (`scope=street`), since the
 * community queue is its staff's only (403 otherwise).
 * `staffOf`: the community ids the user is staff of; `admin`: the user is an admin.
 */
export function feedbackScope(staffOf, admin, communityId) {
  return admin || (staffOf || []).includes(communityId) ? 'community' : 'street'
}

export const GOVERNANCE_TABS = ['feedback', 'mediation', 'projects', 'consultations', 'trust',
  'evaluations', 'talents']
// Feedback and mediation cases are handled by community staff and the street (the API refuses
// the organisation department); the other tabs are open to every governance role.
const CASEWORK = ['feedback', 'mediation']
const CASEWORK_ROLES = ['admin', 'staff', 'street_admin']

/** The tabs a user's roles may open (`roles`: role names). */
export function governanceTabs(roles) {
  const casework = (roles || []).some((r) => CASEWORK_ROLES.includes(r))
  return GOVERNANCE_TABS.filter((t) => casework || !CASEWORK.includes(t))
}
