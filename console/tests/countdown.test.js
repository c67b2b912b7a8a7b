import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import DeadlineCountdown from '../src/components/DeadlineCountdown.vue'
import { byDeadline, countdown, formatDuration } from '../src/utils/countdown'

const NOW = Date.parse('2026-12-02T10:00:00+08:00')

describe('countdown', () => {
  it('says how long is left, in the two largest units', () => {
    expect(countdown('2026-12-03T13:30:00+08:00', NOW)).toEqual(
      { level: 'ok', seconds: 27 * 3600 + 1800, text: '剩余 1天3小时' })
    expect(countdown('2026-12-02T13:05:00+08:00', NOW).text).toBe('剩余 3小时5分')
  })

  it('is "soon" under two hours and overdue once the deadline has passed', () => {
    expect(countdown('2026-12-02T11:59:00+08:00', NOW).level).toBe('soon')
    expect(countdown('2026-12-02T12:00:00+08:00', NOW).level).toBe('ok')
    const late = countdown('2026-12-02T09:15:00+08:00', NOW)
    expect(late).toEqual({ level: 'overdue', seconds: -2700, text: '已超时 45分' })
    expect(countdown('2026-12-02T10:00:00+08:00', NOW).level).toBe('overdue')
  })

  it('reads the offset of the API times (UTC and +08:00 are the same instant)', () => {
    expect(countdown('2026-12-02T02:30:00Z', NOW).seconds).toBe(1800)
  })

  it('has no deadline for finished requests or bad input', () => {
    expect(countdown(null, NOW)).toEqual({ level: 'none', seconds: null, text: '无时限' })
    expect(countdown('not a time', NOW).level).toBe('none')
  })

  it('formats durations', () => {
    expect(formatDuration(59)).toBe('59秒')
    expect(formatDuration(60)).toBe('1分')
    expect(formatDuration(3600)).toBe('1小时')
    expect(formatDuration(2 * 86400)).toBe('2天')
  })

  it('orders overdue first and requests without a deadline last', () => {
    const rows = [
      { id: 3, deadline_at: null },
      { id: 2, deadline_at: '2026-12-02T12:00:00+08:00' },
      { id: 1, deadline_at: '2026-12-01T12:00:00+08:00' },
    ]
    expect(rows.sort(byDeadline).map((r) => r.id)).toEqual([1, 2, 3])
  })
})

describe('DeadlineCountdown', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  it('ticks down and turns overdue when the deadline passes', async () => {
    const w = mount(DeadlineCountdown, { props: { deadline: '2026-12-02T10:00:05+08:00' } })
    expect(w.text()).toBe('剩余 5秒')
    expect(w.attributes('data-level')).toBe('soon')
    await vi.advanceTimersByTimeAsync(7000)
    expect(w.text()).toBe('已超时 2秒')
    expect(w.attributes('data-level')).toBe('overdue')
    expect(w.classes()).toContain('overdue')
    w.unmount()
  })

  it('stops its timer when removed', () => {
    const w = mount(DeadlineCountdown, { props: { deadline: null } })
    expect(w.text()).toBe('无时限')
    w.unmount()
    expect(vi.getTimerCount()).toBe(0)
  })
})
