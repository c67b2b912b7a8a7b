// The figures of GET /stats/summary: label, unit, and the console list of the records behind
// each (a route location, or null where the console has no such list).
export const FIGURES = [
  { name: 'services_done', label: '完成服务', unit: '单', to: { name: 'dispatch', query: { status: 'confirmed' } } },
  { name: 'households_served', label: '服务住户', unit: '户', to: { name: 'dispatch', query: { status: 'confirmed' } } },
  { name: 'problems_solved', label: '解决问题', unit: '件', to: { name: 'governance', query: { tab: 'feedback', status: 'closed' } } },
  { name: 'disputes', label: '受理纠纷', unit: '件', to: { name: 'governance', query: { tab: 'mediation' } } },
  { name: 'disputes_change_yoy', label: '纠纷同比变化', unit: '%', to: { name: 'governance', query: { tab: 'mediation' } } },
  { name: 'volunteer_minutes_verified', label: '志愿时长（现场核验）', unit: '小时', minutes: true, to: { name: 'volunteering', query: { view: 'leaderboard' } } },
  { name: 'volunteer_minutes_manual', label: '志愿时长（补录）', unit: '小时', minutes: true, to: { name: 'approvals', query: { tab: 'manual' } } },
  { name: 'activities_held', label: '开展活动', unit: '场', to: { name: 'volunteering', query: { upcoming: 'false' } } },
  { name: 'points_issued', label: '发放积分（净额）', unit: '分', to: { name: 'volunteering', query: { view: 'leaderboard' } } },
  { name: 'points_redeemed', label: '兑换核销积分', unit: '分', to: { name: 'catalog', query: { tab: 'sales' } } },
  { name: 'points_outstanding', label: '居民持有积分（期末）', unit: '分', to: null },
  { name: 'party_members_registered', label: '党员报到', unit: '人', to: { name: 'approvals', query: { tab: 'party', status: 'approved' } } },
  { name: 'consultations_passed', label: '协商通过', unit: '项', to: { name: 'governance', query: { tab: 'consultations', status: 'closed' } } },
  { name: 'elevators_in_service', label: '电梯投用', unit: '部', to: null },
  { name: 'projects_done', label: '项目完成', unit: '个', to: { name: 'governance', query: { tab: 'projects' } } },
]

// The dashboard's charts: monthly series from GET /stats/series.
export const CHARTS = [
  { id: 'services', title: '每月完成服务（单）', metrics: ['services_done'], type: 'bar' },
  { id: 'hours', title: '每月志愿时长（小时）', metrics: ['volunteer_minutes_verified', 'volunteer_minutes_manual'], type: 'bar', minutes: true, stack: true },
  { id: 'problems', title: '每月解决问题（件）', metrics: ['problems_solved'], type: 'line' },
  { id: 'points', title: '每月积分发放与兑换（分）', metrics: ['points_issued', 'points_redeemed'], type: 'line' },
]

export const labelOf = (name) => FIGURES.find((f) => f.name === name)?.label || name

/** A figure as shown: minutes as hours, the year-on-year change as a percentage. */
export function display(f, value) {
  if (value === null || value === undefined) return '—'
  if (f.minutes) return (value / 60).toFixed(1)
  if (f.name === 'disputes_change_yoy') return `${value > 0 ? '+' : ''}${Number(value).toFixed(1)}`
  return String(value)
}

/** [from, to] dates (YYYY-MM-DD) of the `months` full months before `today`. */
export function lastMonths(months, today = new Date()) {
  const end = new Date(today.getFullYear(), today.getMonth(), 0)
  const start = new Date(end.getFullYear(), end.getMonth() - months + 1, 1)
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  return [iso(start), iso(end)]
}

/** The last day of a YYYY-MM month. */
export function monthEnd(ym) {
  const [y, m] = ym.split('-').map(Number)
  const d = new Date(y, m, 0)
  return `${ym}-${String(d.getDate()).padStart(2, '0')}`
}
