// 数据看板: the figures of a community or street, monthly series, the Excel export (a file,
// or a job polled for its progress).
import { API_BASE, ApiError, get } from './client'
import { session } from '../session'

export const summary = (q) => get('/stats/summary', q, { silent: true })
export const series = (q) => get('/stats/series', q, { silent: true })
export const job = (id) => get(`/jobs/${id}`, undefined, { silent: true })

/** GET the export: {file: Blob, filename} on 200, {jobId} on 202. */
export async function startExport(query) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.append(k, v)
  const resp = await fetch(`${API_BASE}/stats/export.xlsx?${params}`, {
    headers: { Authorization: `Bearer ${session.token}` }, cache: 'no-store',
  })
  if (resp.status === 202) {
    const body = await resp.json()
    return { jobId: body.id }
  }
  if (!resp.ok) {
    let e = {}
    try { e = (await resp.json()).error || {} } catch (x) { e = {} }
    throw new ApiError(resp.status, e.code || 'http_error', e.message || `导出失败（${resp.status}）`)
  }
  const cd = resp.headers.get('Content-Disposition') || ''
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd)
  return { file: await resp.blob(), filename: m ? decodeURIComponent(m[1]) : '数据看板.xlsx' }
}

/** A download URL of a finished job, fetched with the token (same origin). */
export async function download(url) {
  const resp = await fetch(url, { headers: { Authorization: `Bearer ${session.token}` } })
  if (!resp.ok) throw new ApiError(resp.status, 'download_failed', '下载失败，请重试')
  return resp.blob()
}
