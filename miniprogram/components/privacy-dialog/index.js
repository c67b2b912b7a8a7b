/**
 * Our privacy dialog: a short summary, a link to the 隐私保护指引 page, 同意 (WeChat's
 * agreePrivacyAuthorization button) and 不同意. Put <privacy-dialog /> on pages that use a privacy
 * API; utils/privacy opens it when WeChat asks.
 */
const privacy = require('../../utils/privacy');

Component({
  options: { addGlobalClass: true },
  data: { shown: false, agreeId: privacy.AGREE_BUTTON_ID },
  lifetimes: {
    attached() { privacy.setActive(this); },
    detached() { privacy.clearActive(this); },
  },
  pageLifetimes: {
    show() { privacy.setActive(this); },
    hide() { privacy.clearActive(this); },
  },
  methods: {
    open() { this.setData({ shown: true }); },
    onAgree() {
      privacy.agree();
      this.setData({ shown: false });
    },
    onDisagree() {
      privacy.disagree();
      this.setData({ shown: false });
    },
    onPolicy() { wx.navigateTo({ url: privacy.POLICY_PAGE }); },
  },
});
