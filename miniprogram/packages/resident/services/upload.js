/**
 * Photos of an order: chosen with wx.chooseMedia and uploaded one by one with POST /files
 * (multipart `file`) before the order that names their ids is sent. The same as 社情民意's
 * (packages/feedback/services/upload.js): a subpackage cannot require another's JS, and JS in
 * the main package used only by subpackages is what WeChat's code quality scan refuses. wx.uploadFile does not go through
 * wx.request, so the token and the one silent re-login on 401 are handled here the same way.
 */
const config = require('../../../config');
const http = require('../../../utils/request');
const { ApiError, fromResponse, fromFailure } = require('../../../utils/errors');

const UPLOAD_TIMEOUT_MS = 60000;

function send(filePath) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${config.baseUrl}${config.apiPrefix}/files`,
      filePath,
      name: 'file',
      header: { Authorization: `Bearer ${http.getToken()}` },
      timeout: UPLOAD_TIMEOUT_MS,
      success: (res) => resolve(res),
      fail: (res) => reject(fromFailure(res)),
    });
  });
}

/** wx.uploadFile answers with the body as a string. */
function body(res) {
  if (typeof res.data !== 'string') return res.data;
  try {
    return JSON.parse(res.data);
  } catch (e) {
    return null;
  }
}

/** Upload one file; resolves with `{id, content_type, size, ...}`. */
async function uploadFile(filePath) {
  if (!http.getToken()) await http.login();
  let res = await send(filePath);
  if (res.statusCode === 401) {
    http.clearSession();
    await http.login();
    res = await send(filePath);
  }
  if (res.statusCode === 201) return body(res);
  throw fromResponse(res.statusCode, body(res));
}

/**
 * Upload every photo not uploaded yet, in order: `photos` is `[{path, id?}]`; resolves with the
 * same list, each with its `id`. On a failure the ones done keep their ids, so a retry only
 * uploads the rest.
 */
async function uploadAll(photos) {
  const out = photos.map((p) => ({ ...p }));
  for (let i = 0; i < out.length; i += 1) {
    if (!out[i].id) {
      // eslint-disable-next-line no-await-in-loop
      const file = await uploadFile(out[i].path);
      out[i].id = file.id;
    }
  }
  return out;
}

/** Pick up to `count` photos from the album or the camera; [] when the person cancels. */
function choosePhotos(count) {
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => resolve((res.tempFiles || []).map((f) => f.tempFilePath)),
      fail: (res) => (/cancel/.test((res && res.errMsg) || '') ? resolve([])
        : reject(new ApiError('choose_failed', '无法选择图片，请重试'))),
    });
  });
}

module.exports = { uploadFile, uploadAll, choosePhotos };
