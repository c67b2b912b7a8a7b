/**
 * 隐私保护指引 inside the mini-program: what is collected, when and why. Opened from the privacy
 * dialog, from 我的, and (`consent=1`) when WeChat asks on a page without a dialog — then it
 * offers 同意 / 不同意 itself.
 */
const privacy = require('../../utils/privacy');
const { basePage } = require('../../utils/ui');

Page(basePage({
  data: { consent: false },

  onLoad(query) {
    this.setData({ consent: Boolean(query && query.consent) && privacy.isPending() });
  },

  onAgree() {
    privacy.agree();
    this.setData({ consent: false });
    wx.navigateBack();
  },

  onDisagree() {
    privacy.disagree();
    this.setData({ consent: false });
    wx.navigateBack();
  },

  /** WeChat's own rendering of the guide configured in the 公众平台. */
  onOfficial() {
    if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({});
  },
}));
