import { describe, expect, it } from 'vitest'
import { shiftState } from '../src/views/volunteering/shiftForm'

const shift = { starts_at: '2026-12-02T19:30:00+08:00', ends_at: '2026-12-02T21:30:00+08:00', closed: false }
const at = (t) => Date.parse(`2026-12-02T${t}:00+08:00`)

describe('a shift in words', () => {
  it('has not started before its start time (not 进行中)', () => {
    expect(shiftState(shift, at('16:42'))).toEqual({ label: '未开始', type: 'primary' })
  })
  it('runs between its times, waits to be closed after, and is over once closed', () => {
    expect(shiftState(shift, at('20:00')).label).toBe('进行中')
    expect(shiftState(shift, at('22:00')).label).toBe('待结束')
    expect(shiftState({ ...shift, closed: true }, at('20:00')).label).toBe('已结束')
  })
})

describe('a new activity or shift says what it lacks before it is sent', async () => {
  const { activityMissing, shiftMissing } = await import('../src/views/volunteering/shiftForm')
  it('asks for the title, then the times', () => {
    expect(activityMissing({ title: ' ' }, { range: [] })).toBe('请填写活动名称')
    expect(activityMissing({ title: '助老' }, { range: [] })).toBe('请选择班次的开始和结束时间')
    expect(activityMissing({ title: '助老' }, { range: ['2026-12-03T09:00:00', '2026-12-03T11:00:00'] })).toBe('')
    expect(shiftMissing({ range: null })).toBe('请选择班次的开始和结束时间')
  })
})
