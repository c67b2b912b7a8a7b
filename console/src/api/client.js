// The one way the console talks to the API: base path, the token, the API's Chinese error
// message shown with ElMessage, 401 → back to the login page.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { clearSession, session } from '../session'

export const API_BASE = '/api/v1'

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message)
    this.status = status
    this.code = code
    this.details = details || {}
  }
}

/** The first of a 422's field messages (`details.fields`, nested for lists), or ''. */
export function firstFieldMessage(fields) {
  if (!fields || typeof fields !== 'object') return ''
  for (const v of Object.values(fields)) {
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0]
    const inner = firstFieldMessage(Array.isArray(v) ? v[0] : v)
    if (inner) return inner
  }
  return ''
}

/** "提交的内容有误" says nothing of what: add the API's first field message. */
export function withFieldMessage(message, details) {
  const field = firstFieldMessage(details?.fields)
  return field && !message.includes(field) ? `${message}：${field}` : message
}

let onUnauthorized = () => {}
/** The router registers what a 401 does (go to the login page, remembering where we were). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

function newKey() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID()
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`
}

function queryString(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.append(k, v)
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/**
 * `request(method, path, {query, body, headers, silent, etag, auth})` → the JSON answer.
 * With `etag`, answers `{notModified: true}` on 304 and `{data, etag}` otherwise.
 * `silent`: no ElMessage on error (the caller shows it). Throws ApiError.
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) }
  if (opts.auth !== false && session.token) headers.Authorization = `Bearer ${session.token}`
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method === 'POST' && !headers['Idempotency-Key']) headers['Idempotency-Key'] = newKey()
  if (opts.etag) headers['If-None-Match'] = opts.etag
  let resp
  try {
    resp = await fetch(API_BASE + path + queryString(opts.query), {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: 'no-store',
    })
  } catch (e) {
    const err = new ApiError(0, 'network_error', '网络连接失败，请稍后重试')
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }
  if (resp.status === 304) return { notModified: true, etag: opts.etag }
  let data = null
  if (resp.status !== 204) {
    try {
      data = await resp.json()
    } catch (e) {
      data = null
    }
  }
  if (!resp.ok) {
    const e = (data && data.error) || {}
    const err = new ApiError(resp.status, e.code || 'http_error',
      withFieldMessage(e.message || `请求失败（${resp.status}）`, e.details), e.details)
    if (resp.status === 401 && opts.auth !== false) {
      clearSession()
      if (!opts.silent) ElMessage.error(err.message)
      onUnauthorized(err)
      throw err
    }
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }
  if (opts.etag !== undefined) return { data, etag: resp.headers.get('ETag') }
  return data
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query })
export const post = (path, body = {}, opts = {}) => request('POST', path, { ...opts, body })
export const patch = (path, body = {}, opts = {}) => request('PATCH', path, { ...opts, body })
