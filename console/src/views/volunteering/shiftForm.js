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
