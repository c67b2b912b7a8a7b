// A shift as the form holds it → the API's ShiftIn (local times are read as Asia/Shanghai).
export const emptyShift = () => ({ range: [], capacity: 10, points_per_hour: 10,
  location_name: '', radius_m: 200, code_required: true })

export function shiftBody(f) {
  const [start, end] = f.range || []
  const body = { starts_at: start, ends_at: end, capacity: f.capacity,
    points_per_hour: f.points_per_hour, radius_m: f.radius_m, code_required: f.code_required }
  if (f.station_id) body.station_id = f.station_id
  if (f.location_name) body.location_name = f.location_name
  return body
}

/** '2026-03-11T12:00:00+08:00' (the API's local time) → '2026-03-11T12:00:00' (the picker's). */
export const localTime = (t) => (t ? String(t).slice(0, 19) : '')

/** A shift from the API → the form's values, for editing it. */
export function shiftForm(s) {
  return { range: [localTime(s.starts_at), localTime(s.ends_at)], capacity: s.capacity,
    points_per_hour: s.points_per_hour, location_name: s.location?.name || '',
    radius_m: s.location?.radius_m ?? 200, code_required: !!s.code_required, station_id: null }
}

/** What the edit form changed, as the body of PATCH /shifts/{id}: only the changed fields
 * (times only when moved, so a running shift keeps its start). Empty when nothing changed. */
export function shiftChanges(original, f) {
  const before = shiftForm(original)
  const body = {}
  const [start, end] = f.range || []
  if (start && start !== before.range[0]) body.starts_at = start
  if (end && end !== before.range[1]) body.ends_at = end
  for (const key of ['capacity', 'points_per_hour', 'radius_m', 'code_required']) {
    if (f[key] !== undefined && f[key] !== null && f[key] !== before[key]) body[key] = f[key]
  }
  if (f.station_id) body.station_id = f.station_id
  if (f.location_name && f.location_name !== before.location_name) body.location_name = f.location_name
  return body
}

/** What the activity form changed, as the body of PATCH /activities/{id}. A cleared team is
 * sent as null (the activity leaves its team). */
export function activityChanges(original, f) {
  const body = {}
  if (f.title !== undefined && f.title !== original.title) body.title = f.title
  if (f.description !== undefined && (f.description || '') !== (original.description || '')) {
    body.description = f.description || ''
  }
  const team = f.team_id || null
  if (team !== (original.team?.id || null)) body.team_id = team
  if (f.auto_approve !== undefined && !!f.auto_approve !== !!original.auto_approve) {
    body.auto_approve = !!f.auto_approve
  }
  return body
}

/**
 * A shift's state in words, from its times: 未开始 before it starts, 进行中 while it runs, 待结束
 * once its time is over but nobody closed it yet, 已结束 when closed. `now`: ms.
 */
export function shiftState(s, now = Date.now()) {
  if (s.closed) return { label: '已结束', type: 'info' }
  const starts = Date.parse(s.starts_at)
  const ends = Date.parse(s.ends_at)
  if (now < starts) return { label: '未开始', type: 'primary' }
  if (Number.isNaN(ends) || now <= ends) return { label: '进行中', type: 'success' }
  return { label: '待结束', type: 'warning' }
}

/** What a new activity (with its first shift) still lacks, in words; '' when it may be sent. */
export function activityMissing(form, shift) {
  if (!(form.title || '').trim()) return '请填写活动名称'
  return shiftMissing(shift)
}

/** What a new shift still lacks: its start and end. */
export function shiftMissing(shift) {
  const [start, end] = shift.range || []
  return start && end ? '' : '请选择班次的开始和结束时间'
}
