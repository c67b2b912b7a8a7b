/** 积分: my time-bank balance and statement; the mall and my vouchers are one tap away. */
const timebank = require('../../services/timebank');
const { createPager, emptyList } = require('../../utils/pager');
const { basePage, shortTime } = require('../../utils/ui');
const { messageOf } = require('../../utils/errors');
const { ENTRY_KINDS, label } = require('../../utils/status');

Page(basePage({
  data: {
    account: null,
    accountState: 'loading',
    accountError: '',
    entries: emptyList(),
  },

  onLoad() {
    this.pager = createPager(this, 'entries', (page) => timebank.entries(page), {
      decorate: (x) => ({
        ...x,
        kindLabel: label(ENTRY_KINDS, x.kind),
        sign: x.amount > 0 ? `+${x.amount}` : `${x.amount}`,
        direction: x.amount > 0 ? '收入' : '支出',
        when: shortTime(x.at),
      }),
    });
  },

  onPullDownRefresh() {
    Promise.all([this.loadAccount(), this.pager.reload()]).then(() => wx.stopPullDownRefresh());
  },

  onShow() {
    this.loadAccount();
    this.pager.reload();
  },

  async loadAccount() {
    this.setData({ accountState: 'loading', accountError: '' });
    try {
      const account = await timebank.account();
      this.setData({ account, accountState: 'ready', hours: Math.floor((account.minutes_served || 0) / 60) });
    } catch (e) {
      this.setData({ accountState: 'error', accountError: messageOf(e) });
    }
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onMall() { wx.navigateTo({ url: '/packages/resident/mall/index' }); },
  onVouchers() { wx.navigateTo({ url: '/packages/resident/vouchers/index' }); },
}));
