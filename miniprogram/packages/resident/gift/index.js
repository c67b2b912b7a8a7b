/**
 * 转赠积分: give points to a family member (someone bound to one of my households). The gift
 * keeps one Idempotency-Key until the API gives a definite answer, so sending again after a
 * timeout never gives twice; a changed gift is a new one with a new key.
 */
const timebank = require('../../../services/timebank');
const household = require('../services/household');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const { basePage, showError, showOk, dataset, confirm } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { RELATIONS, label } = require('../../../utils/status');

Page(basePage({
  data: {
    state: 'loading', error: '', members: [], toUserId: null, balance: 0,
    amount: '', memo: '', sending: false, formError: '',
  },

  onLoad() { return this.load(); },

  onPullDownRefresh() { return this.load().then(() => wx.stopPullDownRefresh()); },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = await session.refreshUser();
      const [members, account] = await Promise.all([household.familyMembers(user), timebank.account()]);
      const seen = new Set();
      const people = members.filter((m) => !seen.has(m.userId) && seen.add(m.userId))
        .map((m) => ({ ...m, relationLabel: label(RELATIONS, m.relation) }));
      this.setData({ state: people.length ? 'ready' : 'empty', members: people, balance: account.balance });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onMember(e) { this.setData({ toUserId: Number(dataset(e).id), formError: '' }); },
  onAmount(e) { this.setData({ amount: e.detail.value }); },
  onMemo(e) { this.setData({ memo: e.detail.value }); },

  check() {
    if (!this.data.toUserId) return '请选择家人';
    const amount = Number(this.data.amount);
    if (!Number.isInteger(amount) || amount < 1) return '请填写转赠的积分（整数）';
    if (amount > this.data.balance) return `积分不足，当前可用 ${this.data.balance}`;
    return '';
  },

  async onSend() {
    if (this.data.sending) return;
    const problem = this.check();
    if (problem) { this.setData({ formError: problem }); return; }
    const gift = { to: this.data.toUserId, amount: Number(this.data.amount), memo: this.data.memo.trim() };
    const who = this.data.members.find((m) => m.userId === gift.to);
    if (!(await confirm('转赠积分', `确定转赠 ${gift.amount} 积分给${who ? who.nickname : '家人'}吗？`))) return;
    const draft = JSON.stringify(gift);
    if (!this.pending || this.pending.draft !== draft) this.pending = { draft, key: http.newIdempotencyKey() };
    this.setData({ sending: true, formError: '' });
    try {
      const res = await timebank.transfer(gift.to, gift.amount, gift.memo || undefined, this.pending.key);
      this.pending = null;
      showOk('已转赠');
      this.setData({ balance: res.balance, amount: '', memo: '' });
    } catch (e) {
      if (e.status) this.pending = null; // only a lost answer is retried with the same key
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ sending: false });
    }
  },
}));
