/**
 * 小区共管账户: the balance, public income and a month's statement of the compound's
 * co-managed account, open to every owner. Members of the property company or the owners'
 * committee also see the entries waiting for their side's co-signature, co-sign or reject
 * them, and enter new ones. A resident may ask for a recheck (复核) of an entry.
 */
const trust = require('../services/trust');
const session = require('../../../utils/session');
const { basePage, showError, showOk, dataset, confirm } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { yuan } = require('../services/money');
const { trustEntryBadge, TRUST_SIDES } = require('../../../utils/status');

/** The month before this one, "YYYY-MM", in Asia/Shanghai. */
function lastMonth() {
  const local = new Date(Date.now() + 8 * 3600 * 1000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth(); // 0-based: this month's index is last month's number
  return month === 0 ? `${year - 1}-12` : `${year}-${String(month).padStart(2, '0')}`;
}

function entryView(e) {
  const sign = e.effect_fen < 0 ? '-' : '+';
  return {
    ...e,
    badge: trustEntryBadge(e.status),
    amount: `${sign}${yuan(Math.abs(e.effect_fen))}`,
    sideLabel: TRUST_SIDES[e.side] || e.side,
    out: e.effect_fen < 0,
  };
}

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', accounts: [], account: null, month: lastMonth(),
    statement: null, statementState: 'loading', statementError: '', pending: [], busy: 0,
  },

  onLoad() { this.load(); },

  onShow() {
    if (this.data.account) this.open(this.data.account.id);
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const res = await trust.accounts();
      const accounts = res.items || [];
      this.setData({ accounts });
      if (!accounts.length) {
        this.setData({ state: 'empty' });
        return;
      }
      await this.open(accounts[0].id);
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  async open(id) {
    const account = await trust.account(id);
    this.setData({
      state: 'ready',
      account: {
        ...account, balance: yuan(account.balance_fen), publicIncome: yuan(account.public_income_fen),
        member: account.my_sides.length > 0,
        sides: account.my_sides.map((s) => TRUST_SIDES[s] || s).join('、'),
      },
    });
    await Promise.all([this.loadStatement(), this.loadPending()]);
  },

  async loadStatement() {
    this.setData({ statementState: 'loading', statementError: '' });
    try {
      const s = await trust.statement(this.data.account.id, this.data.month);
      this.setData({
        statementState: s.entries.length ? 'ready' : 'empty',
        statement: {
          ...s,
          opening: yuan(s.opening_fen), income: yuan(s.income_fen),
          publicIncome: yuan(s.public_income_fen), otherIncome: yuan(s.other_income_fen),
          expense: yuan(s.expense_fen), closing: yuan(s.closing_fen),
          categories: s.by_category.map((c) => ({ ...c, amount: yuan(c.amount_fen) })),
          entries: s.entries.map(entryView),
          mismatch: s.reconciliation && s.reconciliation.flagged
            ? yuan(s.reconciliation.difference_fen) : '',
        },
      });
    } catch (e) {
      this.setData({ statementState: 'error', statementError: messageOf(e), statement: null });
    }
  },

  async loadPending() {
    if (!this.data.account.member) {
      this.setData({ pending: [] });
      return;
    }
    try {
      const res = await trust.entries(this.data.account.id, { status: 'pending', limit: 50 });
      this.setData({ pending: (res.items || []).map(entryView) });
    } catch (e) {
      showError(e);
    }
  },

  async onAccount(e) {
    try {
      await this.open(Number(dataset(e).id));
    } catch (err) {
      showError(err);
    }
  },

  onMonth(e) {
    this.setData({ month: e.detail.value.slice(0, 7) });
    this.loadStatement();
  },

  async decide(entryId, action, done) {
    if (this.data.busy) return;
    this.setData({ busy: entryId });
    try {
      await action();
      showOk(done);
      await this.open(this.data.account.id);
    } catch (e) {
      showError(e);
    } finally {
      this.setData({ busy: 0 });
    }
  },

  async onCosign(e) {
    const id = Number(dataset(e).id);
    const entry = this.data.pending.find((p) => p.id === id);
    if (!(await confirm('会签', `核对无误，会签这笔 ${entry.amount} 元的${entry.category_name}？`))) return;
    await this.decide(id, () => trust.cosign(this.data.account.id, id), '已会签入账');
  },

  onReject(e) {
    const id = Number(dataset(e).id);
    wx.showModal({
      title: '驳回账目', editable: true, placeholderText: '请写明驳回原因',
      success: (res) => {
        const reason = (res.content || '').trim();
        if (!res.confirm) return;
        if (!reason) {
          wx.showToast({ title: '请写明驳回原因', icon: 'none' });
          return;
        }
        this.decide(id, () => trust.reject(this.data.account.id, id, reason), '已驳回');
      },
    });
  },

  onRecheck(e) {
    const id = Number(dataset(e).id);
    const user = session.cachedUser() || {};
    const home = (user.households || []).find((h) => h.status === 'approved'
      && h.address.startsWith(this.data.account.compound_name));
    if (!home) {
      wx.showToast({ title: '仅本小区已绑定的住户可以申请复核', icon: 'none' });
      return;
    }
    wx.showModal({
      title: '申请复核', editable: true, placeholderText: '请写明您的疑问',
      success: async (res) => {
        const question = (res.content || '').trim();
        if (!res.confirm || !question) return;
        try {
          await trust.recheck(this.data.account.id, id, { householdId: home.household_id, question });
          showOk('已提交');
        } catch (err) {
          showError(err);
        }
      },
    });
  },

  onEnter() {
    wx.navigateTo({ url: `/packages/governance/entry/index?account=${this.data.account.id}` });
  },
}));
