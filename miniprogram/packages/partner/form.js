/**
 * The partner's decline / complete form, shared by the task list and the task page: checks the
 * form and returns the step to send, or sets `form.error` on the page and returns null.
 *
 * Completing takes photos as proof (up to 9; at least one when the category requires it): they
 * are chosen with wx.chooseMedia, uploaded with POST /files when the form is sent, and their
 * ids go with the completion. A failed upload keeps the ones done, so sending again only
 * uploads the rest.
 */
const orders = require('../../services/orders');
const { uploadAll } = require('../../utils/request');
const { showError, choosePhotos } = require('../../utils/ui');

const MAX_PHOTOS = 9;

/** A fresh form of `kind` ('decline' or 'complete'); `photoRequired` from the category. */
function newForm(kind, extra = {}) {
  return {
    kind, reason: '', minutes: '', note: '', error: '', photos: [], photoRequired: false,
    maxPhotos: MAX_PHOTOS, ...extra,
  };
}

async function addPhotos(page) {
  const { form } = page.data;
  const room = MAX_PHOTOS - form.photos.length;
  if (room <= 0) return;
  try {
    const paths = await choosePhotos(room);
    page.setData({ 'form.photos': form.photos.concat(paths.map((path) => ({ path }))), 'form.error': '' });
  } catch (e) {
    showError(e);
  }
}

function removePhoto(page, index) {
  page.setData({ 'form.photos': page.data.form.photos.filter((_, i) => i !== index) });
}

function stepOf(page, id) {
  const { form } = page.data;
  if (form.kind === 'decline') {
    if (form.reason.trim().length < 2) {
      page.setData({ 'form.error': '请填写退回原因' });
      return null;
    }
    return { run: () => orders.decline(id, form.reason.trim()), done: '已退回' };
  }
  const minutes = Number(form.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    page.setData({ 'form.error': '请填写服务时长（1-1440 分钟的整数）' });
    return null;
  }
  if (form.photoRequired && !form.photos.length) {
    page.setData({ 'form.error': '该服务须上传完成照片' });
    return null;
  }
  const run = async () => {
    const photos = await uploadAll(form.photos, (done) => {
      if (page.data.form) page.setData({ 'form.photos': done });
    });
    return orders.complete(id, minutes, form.note.trim(), photos.map((p) => p.id));
  };
  return { run, done: '已完成' };
}

module.exports = { stepOf, newForm, addPhotos, removePhoto, MAX_PHOTOS };
