/**
 * 积分商城: items and redemption. Each redemption carries an Idempotency-Key kept until the API
 * gives a definite answer, so retrying after a timeout never redeems twice.
 */
const timebank = require('../../../services/timebank');
const http = require('../../../utils/request');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, confirm, dataset } = require('../../../utils/ui');
const { MALL_KINDS } = require('../../../utils/status');

const REFUSALS = {
  insufficient_points: '积分不足',
  out_of_stock: '已兑完',
  limit_reached: '已达兑换上限',
};

Page(basePage({
  data: { items: emptyList(), balance: null, redeeming: 0, lastVoucher: null },

  onLoad() {
    this.keys = {};
    this.pager = createPager(this, 'items', (page) => timebank.items(page), {
      decorate: (it) => ({ ...it, kindLabel: MALL_KINDS[it.kind] || it.kind, soldOut: it.stock === 0 }),
    });
  },

  onPullDownRefresh() {
    Promise.all([this.pager.reload(), this.loadBalance()]).then(() => wx.stopPullDownRefresh());
  },

  onShow() {
    this.pager.reload();
    this.loadBalance();
  },

  async loadBalance() {
    try {
      const account = await timebank.account();
      this.setData({ balance: account.balance });
    } catch (e) {
      showError(e);
    }
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  async onRedeem(e) {
    const id = Number(dataset(e).id);
    const item = this.data.items.items.find((x) => x.id === id);
    if (!item || this.data.redeeming) return;
    if (!(await confirm('确认兑换', `用 ${item.price_points} 积分兑换“${item.title}”？`))) return;
    this.keys[id] = this.keys[id] || http.newIdempotencyKey();
    this.setData({ redeeming: id });
    try {
      const res = await timebank.redeem(id, this.keys[id]);
      delete this.keys[id];
      this.setData({ balance: res.balance, lastVoucher: res.voucher });
      wx.showModal({
        title: '兑换成功',
        content: `券码 ${res.voucher.code}，可在“我的券”出示二维码使用`,
        showCancel: false,
      });
      this.pager.reload();
    } catch (err) {
      // Only a lost answer (network, timeout) may be retried with the same key.
      if (err.status) delete this.keys[id];
      const reason = REFUSALS[err.code];
      showError(reason ? { message: `兑换失败：${reason}` } : err);
    } finally {
      this.setData({ redeeming: 0 });
    }
  },

  onVouchers() {
    wx.navigateTo({ url: '/packages/resident/vouchers/index' });
  },
}));
