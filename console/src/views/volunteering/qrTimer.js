// The on-site code's refresh loop: fetch {code, expires_in}, show it, fetch again just after it
// rotates (the code shown stays valid one more minute, so the screen always shows a code the
// API accepts), retry soon after an error. A countdown ticks every second.

/**
 * createCodeRefresher({fetchCode, onCode, onError, onTick, retryMs, afterRotationMs})
 * → {start(), stop(), refresh()}. `fetchCode()` → Promise<{code, expires_in, qr}>.
 */
export function createCodeRefresher(opts) {
  const retryMs = opts.retryMs ?? 3000
  const afterRotationMs = opts.afterRotationMs ?? 500
  let timer = null
  let ticker = null
  let stopped = true
  let rotatesAt = 0
  let validUntil = 0

  const clear = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  const schedule = (ms) => {
    clear()
    if (!stopped) timer = setTimeout(refresh, ms)
  }
  const tick = () => {
    if (!opts.onTick) return
    const now = Date.now()
    opts.onTick({
      secondsLeft: Math.max(0, Math.ceil((rotatesAt - now) / 1000)),
      stale: validUntil > 0 && now >= validUntil,
    })
  }

  async function refresh() {
    if (stopped) return
    try {
      const data = await opts.fetchCode()
      if (stopped) return
      const seconds = Math.max(1, Number(data.expires_in) || 1)
      rotatesAt = Date.now() + seconds * 1000
      // The API accepts the current and the previous step's code.
      validUntil = rotatesAt + 60 * 1000
      opts.onCode(data)
      tick()
      schedule(seconds * 1000 + afterRotationMs)
    } catch (e) {
      if (stopped) return
      if (opts.onError) opts.onError(e)
      tick()
      schedule(retryMs)
    }
  }

  return {
    start() {
      if (!stopped) return
      stopped = false
      ticker = setInterval(tick, 1000)
      refresh()
    },
    stop() {
      stopped = true
      clear()
      if (ticker) clearInterval(ticker)
      ticker = null
    },
    refresh,
  }
}

/**
 * A refusal that retrying will not change: the shift does not exist, or it is another
 * community's (403/404; the API hides other communities' shifts). The page stops and says so.
 */
export const refusedForGood = (e) => e?.status === 403 || e?.status === 404
