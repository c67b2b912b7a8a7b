import { describe, expect, it } from 'vitest'
import { eventLabel, eventRoleLabel, statusLabel } from '../src/utils/labels'
import { consentText, lapse, placedByText, shortTime } from '../src/views/dispatch/proposals'

const NOW = Date.parse('2026-12-02T10:00:00+08:00')

describe('代下单 waiting for the resident', () => {
  it('says who placed it and how the resident agreed', () => {
    expect(placedByText({ id: 7, nickname: '小张', placed_as: 'family' })).toBe('家属代下单：小张')
    expect(placedByText({ id: 3, nickname: '王社工', placed_as: 'staff' })).toBe('社区代下单：王社工')
    expect(placedByText(null)).toBe('—')
    expect(consentText({ kind: 'phone_call', note: '10:05 来电，本人同意' }))
      .toBe('电话确认（10:05 来电，本人同意）')
    expect(consentText({ kind: 'family', note: null })).toBe('家属确认')
    expect(consentText({ kind: 'something_new' })).toBe('其他方式')
  })

  it('says when it lapses, and that the system cancels it then', () => {
    expect(lapse('2026-12-04T09:30:00+08:00', NOW)).toEqual(
      { level: 'ok', at: '12-04 09:30', text: '剩余 1天23小时后自动取消' })
    expect(lapse('2026-12-02T11:00:00+08:00', NOW).level).toBe('soon')
    expect(lapse('2026-12-02T09:00:00+08:00', NOW)).toEqual(
      { level: 'overdue', at: '12-02 09:00', text: '已到期，等待系统取消' })
    expect(lapse(null, NOW).text).toBe('无时限')
    expect(shortTime('2026-12-04T09:30:00+08:00')).toBe('12-04 09:30')
  })

  it('names the status, the placer and the lapse on the timeline in Chinese', () => {
    expect(statusLabel('proposed')).toBe('待本人确认')
    expect(eventRoleLabel('placer')).toBe('代下单人')
    expect(eventLabel({ action: 'agree', to_status: 'submitted' })).toBe('本人确认代下单')
    expect(eventLabel({ action: 'expire', to_status: 'cancelled' })).toBe('居民未确认，自动取消')
    expect(eventLabel({ action: 'expire', to_status: 'submitted' })).toBe('超时未接单，退回')
  })
})
