/**
 * The partner's decline / complete form, shared by the task list and the task page: checks the
 * form and returns the step to send, or sets `form.error` on the page and returns null.
 */
const orders = require('../../services/orders');

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
  return { run: () => orders.complete(id, minutes, form.note.trim()), done: '已完成' };
}

module.exports = { stepOf };
