/**
 * 我的券: vouchers with their state; an unused one opens as a QR code for the merchant to scan.
 * The QR holds the API's `qr_payload` (`llt-voucher:<code>`); the code is printed under it for
 * typing by hand. The merchant's write-off takes either. An unused voucher can be given back:
 * its points are refunded once (the cancellation keeps its Idempotency-Key until answered).
 */
const timebank = require('../../../services/timebank');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime, confirm, showError, showOk } = require('../../../utils/ui');
const { voucherBadge } = require('../../../utils/status');

Page(basePage({
  data: { vouchers: emptyList(), shown: null, cancelling: false },

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

  /** 退券: the voucher is cancelled and its points come back. */
  async onCancelVoucher() {
    const voucher = this.data.shown;
    if (!voucher || this.data.cancelling) return;
    const ok = await confirm('退券', `退回后「${voucher.item.title}」的 ${voucher.price_points} 积分将退回您的账户，确定吗？`);
    if (!ok) return;
    this.setData({ cancelling: true });
    try {
      await timebank.cancelVoucher(voucher.id);
      showOk('已退回');
      this.setData({ shown: null });
      await this.pager.reload();
    } catch (e) {
      showError(e);
      if (e.code === 'voucher_not_issued' || e.status === 409) await this.pager.reload();
    } finally {
      this.setData({ cancelling: false });
    }
  },
}));
