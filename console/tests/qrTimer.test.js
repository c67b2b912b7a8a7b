import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCodeRefresher } from '../src/views/volunteering/qrTimer'

const flush = async () => { for (let i = 0; i < 5; i += 1) await Promise.resolve() }

describe('check-in code refresher', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T10:00:50Z') }))
  afterEach(() => vi.useRealTimers())

  it('fetches again just after each rotation, before the shown code expires', async () => {
    const answers = [
      { code: '111111', expires_in: 10, qr: 'llt:checkin:1:111111' },
      { code: '222222', expires_in: 60, qr: 'llt:checkin:1:222222' },
      { code: '333333', expires_in: 60, qr: 'llt:checkin:1:333333' },
    ]
    const fetchCode = vi.fn(async () => answers.shift())
    const shown = []
    const ticks = []
    const r = createCodeRefresher({ fetchCode, onCode: (d) => shown.push(d.code), onTick: (t) => ticks.push(t) })
    r.start()
    await flush()
    expect(shown).toEqual(['111111'])
    expect(ticks.at(-1)).toEqual({ secondsLeft: 10, stale: false })

    await vi.advanceTimersByTimeAsync(9000)
    expect(fetchCode).toHaveBeenCalledTimes(1)
    expect(ticks.at(-1).secondsLeft).toBe(1)

    await vi.advanceTimersByTimeAsync(1500) // rotation + 0.5 s
    expect(fetchCode).toHaveBeenCalledTimes(2)
    expect(shown).toEqual(['111111', '222222'])

    await vi.advanceTimersByTimeAsync(60500)
    expect(shown).toEqual(['111111', '222222', '333333'])
    expect(ticks.every((t) => !t.stale)).toBe(true)
    r.stop()
  })

  it('retries soon after an error and keeps the last code until it expires', async () => {
    const fetchCode = vi.fn()
      .mockResolvedValueOnce({ code: '111111', expires_in: 5 })
      .mockRejectedValue(Object.assign(new Error('网络连接失败，请稍后重试'), { status: 0 }))
    const errors = []
    const ticks = []
    const r = createCodeRefresher({ fetchCode, onCode: () => {}, onError: (e) => errors.push(e.message),
      onTick: (t) => ticks.push(t), retryMs: 3000 })
    r.start()
    await flush()
    await vi.advanceTimersByTimeAsync(5500)
    expect(fetchCode).toHaveBeenCalledTimes(2)
    expect(errors).toEqual(['网络连接失败，请稍后重试'])
    expect(ticks.at(-1).stale).toBe(false)
    await vi.advanceTimersByTimeAsync(3000)
    expect(fetchCode).toHaveBeenCalledTimes(3)
    // 5 s to rotate + 60 s of grace: then the screen says the code is stale.
    await vi.advanceTimersByTimeAsync(60000)
    expect(ticks.at(-1).stale).toBe(true)
    r.stop()
  })

  it('stops: no fetch after stop()', async () => {
    const fetchCode = vi.fn(async () => ({ code: '111111', expires_in: 2 }))
    const r = createCodeRefresher({ fetchCode, onCode: () => {} })
    r.start()
    await flush()
    r.stop()
    await vi.advanceTimersByTimeAsync(10000)
    expect(fetchCode).toHaveBeenCalledTimes(1)
  })
})

describe('refusedForGood', () => {
  it('stops on a shift that is missing or another community’s, retries anything else', async () => {
    const { refusedForGood } = await import('../src/views/volunteering/qrTimer')
    expect(refusedForGood({ status: 404 })).toBe(true)
    expect(refusedForGood({ status: 403 })).toBe(true)
    expect(refusedForGood({ status: 0 })).toBe(false)
    expect(refusedForGood({ status: 503 })).toBe(false)
  })
})
