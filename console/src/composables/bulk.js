// Bulk actions: run one API call per selected item, one after the other (each is its own
// write with its own idempotency key), and report per item what happened — never one global
// "done" that hides a refusal.

/**
 * runBulk(items, action, {label, onProgress}) → [{id, label, ok, message, result}]
 * `action(item)` returns a promise; a thrown ApiError's Chinese message is kept per item.
 */
export async function runBulk(items, action, opts = {}) {
  const label = opts.label || ((it) => `#${it.id}`)
  const results = []
  let done = 0
  for (const item of items) {
    try {
      const result = await action(item)
      results.push({ id: item.id, label: label(item), ok: true, message: '成功', result })
    } catch (e) {
      results.push({ id: item.id, label: label(item), ok: false,
        message: e?.message || '操作失败', code: e?.code || 'error' })
    }
    done += 1
    if (opts.onProgress) opts.onProgress(done, items.length)
  }
  return results
}

/** "成功 2 项，失败 1 项" */
export function summarize(results) {
  const ok = results.filter((r) => r.ok).length
  const failed = results.length - ok
  return failed ? `成功 ${ok} 项，失败 ${failed} 项` : `全部成功，共 ${ok} 项`
}
