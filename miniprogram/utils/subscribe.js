/**
 * WeChat subscribe messages. The API sends a message only to someone who accepted its template
 * (one acceptance buys one message), and WeChat lets a page ask only inside a tap. So each tap
 * that makes the wish obvious calls `ask(WISHES.x)` first, before any await:
 *
 *   onSubmit() { const asked = subscribe.ask(subscribe.WISHES.order); ... await asked; ... }
 *
 * Template ids come from the API (`GET /notifications/templates`, configured per notification
 * kind), fetched after login and kept on the phone; nothing here names a template id.
 */
const http = require('./request');

const STORAGE_KEY = 'subscribeTemplates';
const MAX_PER_ASK = 3; // WeChat's limit for one requestSubscribeMessage

/** Which notification kinds each tap asks for, most wanted first. */
const WISHES = {
  order: ['accepted', 'started', 'completed'], // a resident submits an order
  dispute: ['in_service', 'cancelled'], // a resident reports a problem: redo or cancel
  accept: ['confirmed', 'cancelled'], // a partner accepts or claims a task
  signup: ['shift_promoted'], // a volunteer signs up (waitlist promotion)
};

function cached() {
  const items = wx.getStorageSync(STORAGE_KEY);
  return Array.isArray(items) ? items : [];
}

/** Fetch the configured templates (after login); keeps the old list when the API is away. */
async function refresh() {
  try {
    const res = await http.get('/notifications/templates');
    const items = (res && res.items) || [];
    wx.setStorageSync(STORAGE_KEY, items);
    return items;
  } catch (e) {
    return cached();
  }
}

/** The distinct template ids for these kinds, in order, at most 3. */
function templateIds(kinds, items = cached()) {
  const ids = [];
  kinds.forEach((kind) => {
    const found = items.find((t) => t.kind === kind);
    if (found && found.template_id && !ids.includes(found.template_id)) ids.push(found.template_id);
  });
  return ids.slice(0, MAX_PER_ASK);
}

/**
 * Ask for the templates of these kinds. Call it synchronously inside the tap handler. Resolves
 * with the accepted template ids ([] when nothing is configured, refused, or unsupported);
 * never rejects, so the action itself goes on whatever the answer.
 */
function ask(kinds) {
  const tmplIds = templateIds(kinds);
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') {
    return Promise.resolve([]);
  }
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve(tmplIds.filter((id) => res[id] === 'accept')),
      fail: () => resolve([]),
    });
  });
}

module.exports = { WISHES, ask, refresh, templateIds, cached, STORAGE_KEY, MAX_PER_ASK };
