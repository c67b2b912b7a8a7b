// Poll a loader every `interval` ms while the page is visible (a hidden tab does not poll, and
// polls at once when shown again). The loader gets the last ETag and returns the new one.
export function startPolling(load, interval = 10000) {
  let timer = null
  let stopped = false
  const run = async () => {
    if (stopped) return
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') {
      try { await load() } catch (e) { /* the loader shows its own error state */ }
    }
    if (!stopped) timer = setTimeout(run, interval)
  }
  const onVisible = () => {
    if (document.visibilityState === 'visible' && !stopped) {
      clearTimeout(timer)
      run()
    }
  }
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible)
  timer = setTimeout(run, interval)
  return () => {
    stopped = true
    clearTimeout(timer)
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisible)
  }
}
