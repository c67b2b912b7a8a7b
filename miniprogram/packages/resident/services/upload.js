/**
 * Photos of an order: chosen with wx.chooseMedia and uploaded one by one with POST /files before
 * the order that names their ids is sent. The shared upload (token, one silent re-login on 401,
 * ids kept across a failed batch) lives in utils/request.js and the picker in utils/ui.js.
 */
const { uploadFile, uploadAll } = require('../../../utils/request');
const { choosePhotos } = require('../../../utils/ui');

module.exports = { uploadFile, uploadAll, choosePhotos };
