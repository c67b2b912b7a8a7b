/**
 * 我的券: vouchers with their state; an unused one opens as a QR code for the merchant to scan.
 * The QR holds the API's `qr_payload` (`llt-voucher:<code>`); the code is printed under it for
 * typing by hand. The merchant's write-off takes either.
 */
const timebank = require('../../../services/timebank');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime } = require('../../../utils/ui');
const { voucherBadge } = require('../../../utils/status');

Page(basePage({
  data: { vouchers: emptyList(), shown: null },

  onLoad() {
    this.pager = createPager(this, 'vouchers', (page) => timebank.vouchers(page), {
      decorate: (v) => ({ ...v, badge: voucherBadge(v.status), expires: shortTime(v.expires_at) }),
    });
  },

  onPullDownRefresh() {
    this.pager.reload().then(() => wx.stopPullDownRefresh());
  },

  onShow() { this.pager.reload(); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onShowCode(e) {
    const id = Number(dataset(e).id);
    const voucher = this.data.vouchers.items.find((v) => v.id === id);
    if (voucher && voucher.status === 'issued') this.setData({ shown: voucher });
  },

  onHide() {
    this.setData({ shown: null });
  },

  onCloseCode() {
    this.setData({ shown: null });
  },
}));
