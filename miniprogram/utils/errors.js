/**
 * Errors as pages see them: always a zh-CN `message` a person can read, plus the API's `code`
 * (or `network_error` / `timeout`) so a page can react to a specific refusal.
 */
class ApiError extends Error {
  constructor(code, message, status, details) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status || 0;
    this.details = details || {};
  }
}

const FALLBACK = {
  400: '请求有误，请检查后重试',
  401: '登录已失效，请重新登录',
  403: '没有权限执行此操作',
  404: '内容不存在或已删除',
  409: '状态已变化，请刷新后重试',
  413: '提交的内容过大',
  422: '提交的内容有误，请检查后重试',
  429: '操作太频繁，请稍后再试',
};

/** Turn an HTTP answer that is not 2xx into an ApiError, reading the API's one error shape. */
function fromResponse(statusCode, body) {
  const err = body && typeof body === 'object' && body.error;
  if (err && typeof err === 'object' && err.message) {
    return new ApiError(err.code || 'error', String(err.message), statusCode, err.details);
  }
  const message = FALLBACK[statusCode] || (statusCode >= 500
    ? '服务暂时不可用，请稍后再试' : `请求失败（${statusCode}）`);
  return new ApiError(statusCode >= 500 ? 'server_error' : 'error', message, statusCode);
}

/** Turn a wx.request `fail` into an ApiError: timeouts and lost connections read differently. */
function fromFailure(res) {
  const msg = (res && res.errMsg) || '';
  if (/timeout|超时/i.test(msg)) {
    return new ApiError('timeout', '请求超时，请检查网络后重试', 0, { errMsg: msg });
  }
  return new ApiError('network_error', '网络连接失败，请检查网络后重试', 0, { errMsg: msg });
}

/** A message for anything thrown (an ApiError, or a bug that must still be shown). */
function messageOf(e) {
  if (e && e.message) return e.message;
  return '出了点问题，请稍后再试';
}

module.exports = { ApiError, fromResponse, fromFailure, messageOf };
