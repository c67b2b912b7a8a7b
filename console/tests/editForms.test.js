import { describe, expect, it } from 'vitest'
import { activityChanges, shiftChanges, shiftForm } from '../src/views/volunteering/shiftForm'

const shift = { id: 3, starts_at: '2026-03-11T12:00:00+08:00', ends_at: '2026-03-11T14:00:00+08:00',
  capacity: 5, signed_up: 2, points_per_hour: 10, code_required: true,
  location: { name: '观湖志愿V站', lat: 29.34, lng: 105.28, radius_m: 200 } }

describe('the shift edit form', () => {
  it('starts from the shift, in local picker times', () => {
    expect(shiftForm(shift)).toEqual({ range: ['2026-03-11T12:00:00', '2026-03-11T14:00:00'],
      capacity: 5, points_per_hour: 10, location_name: '观湖志愿V站', radius_m: 200,
      code_required: true, station_id: null })
  })

  it('sends nothing when nothing changed', () => {
    expect(shiftChanges(shift, shiftForm(shift))).toEqual({})
  })

  it('sends only the changed fields, times only when moved', () => {
    const f = { ...shiftForm(shift), capacity: 8, location_name: '观湖志愿V站门口' }
    expect(shiftChanges(shift, f)).toEqual({ capacity: 8, location_name: '观湖志愿V站门口' })
    f.range = ['2026-03-11T12:00:00', '2026-03-11T15:30:00']
    expect(shiftChanges(shift, f)).toEqual({ capacity: 8, location_name: '观湖志愿V站门口',
      ends_at: '2026-03-11T15:30:00' })
  })

  it('sends a chosen station and a switched code', () => {
    const f = { ...shiftForm(shift), station_id: 2, code_required: false }
    expect(shiftChanges(shift, f)).toEqual({ station_id: 2, code_required: false })
  })
})

describe('the activity edit form', () => {
  const activity = { id: 1, title: '便民服务日', description: '', team: { id: 4, name: '观湖V站' },
    auto_approve: false }

  it('sends only what changed', () => {
    expect(activityChanges(activity, { title: '便民服务日', description: '', team_id: 4,
      auto_approve: false })).toEqual({})
    expect(activityChanges(activity, { title: '周末便民服务日', description: '理发', team_id: 4,
      auto_approve: true })).toEqual({ title: '周末便民服务日', description: '理发', auto_approve: true })
  })

  it('sends a cleared team as null', () => {
    expect(activityChanges(activity, { title: '便民服务日', description: '', team_id: null,
      auto_approve: false })).toEqual({ team_id: null })
    expect(activityChanges({ ...activity, team: null }, { title: '便民服务日', team_id: 4 }))
      .toEqual({ team_id: 4 })
  })
})
