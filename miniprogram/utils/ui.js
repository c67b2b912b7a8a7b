/** Feedback and display preferences shared by every page. */
const { ApiError, messageOf } = require('./errors');

const ELDER_KEY = 'elderMode';
const ELDER_OFFERED_KEY = 'elderOffered';
// WeChat's font setting in px: 17 is the standard size; anything from 20 up is "large".
const LARGE_FONT_PX = 20;

/** Show an error to the person; never swallow it. Returns the message for the page's state. */
function showError(e) {
  const message = messageOf(e);
  wx.showToast({ title: message, icon: 'none', duration: 3000 });
  return message;
}

/** WeChat cuts a success toast after 7 characters; anything longer goes in a modal instead. */
const MAX_TOAST_CHARS = 7;

function showOk(title) {
  if (String(title).length > MAX_TOAST_CHARS) {
    wx.showModal({ title: '', content: String(title), showCancel: false, confirmText: '知道了' });
    return;
  }
  wx.showToast({ title, icon: 'success' });
}

function confirm(title, content) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content: content || '',
      confirmText: '确定',
      cancelText: '取消',
      success: (res) => resolve(Boolean(res.confirm)),
      fail: () => resolve(false),
    });
  });
}

/** 适老化: large type and high contrast, switched in 我的 and remembered on this phone. */
function isElder() {
  return Boolean(wx.getStorageSync(ELDER_KEY));
}

function setElder(on) {
  wx.setStorageSync(ELDER_KEY, Boolean(on));
}

/**
 * First launch: large type follows WeChat's own font setting (wx.getAppBaseInfo, base library
 * 2.23.4+). Once set — by this or by the person — it is theirs and never overridden.
 */
function followSystemFont() {
  if (wx.getStorageSync(ELDER_KEY) !== '') return isElder();
  let size = 0;
  try {
    size = typeof wx.getAppBaseInfo === 'function' ? Number(wx.getAppBaseInfo().fontSizeSetting) || 0 : 0;
  } catch (e) {
    size = 0;
  }
  setElder(size >= LARGE_FONT_PX);
  return isElder();
}

/** The first screen offers large type until the person has answered once. */
function elderOffered() {
  return Boolean(wx.getStorageSync(ELDER_OFFERED_KEY));
}

function answerElderOffer(on) {
  setElder(on);
  wx.setStorageSync(ELDER_OFFERED_KEY, true);
}

/** A tab page tells the custom tab bar which tab is on and whether type is large. */
function syncTabBar(page, elder) {
  if (typeof page.getTabBar !== 'function') return;
  const bar = page.getTabBar();
  if (!bar) return;
  const tabs = ['pages/home/index', 'pages/services/index', 'pages/points/index', 'pages/mine/index'];
  const selected = tabs.indexOf(page.route);
  bar.setData({ elder, ...(selected >= 0 ? { selected } : {}) });
}

/**
 * Wrap a page definition: `elder` is read on every show, so switching it in 我的 takes effect on
 * every page the person returns to.
 */
function basePage(def) {
  const userOnShow = def.onShow;
  return {
    ...def,
    data: { elder: false, ...(def.data || {}) },
    onShow(...args) {
      const elder = isElder();
      if (this.data.elder !== elder) this.setData({ elder });
      syncTabBar(this, elder);
      return userOnShow ? userOnShow.apply(this, args) : undefined;
    },
  };
}

/** "2026-11-27T15:30:00+08:00" → "11-27 15:30" (the API already sends Asia/Shanghai times). */
function shortTime(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[2]}-${m[3]} ${m[4]}:${m[5]}` : iso;
}

function dataset(e) {
  return (e && e.currentTarget && e.currentTarget.dataset) || {};
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

module.exports = {
  choosePhotos,
  showError, showOk, confirm, isElder, setElder, followSystemFont, elderOffered, answerElderOffer,
  syncTabBar, basePage, shortTime, dataset, ELDER_KEY, ELDER_OFFERED_KEY, LARGE_FONT_PX,
  MAX_TOAST_CHARS,
};
