/**
 * 录入账目: a member of the property company or the owners' committee enters an income or an
 * expense of the co-managed account; it counts once the other side co-signs it. The amount is
 * typed in yuan and sent in fen; a retry of the same entry keeps its Idempotency-Key.
 */
const trust = require('../services/trust');
const http = require('../../../utils/request');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { toFen, yuan } = require('../services/money');
const { TRUST_CATEGORIES, TRUST_SIDES } = require('../../../utils/status');

function today() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function categoriesOf(kind) {
  return Object.keys(TRUST_CATEGORIES).filter((c) => TRUST_CATEGORIES[c].kind === kind)
    .map((c) => ({ code: c, label: TRUST_CATEGORIES[c].label + (TRUST_CATEGORIES[c].public ? '（公共收益）' : '') }));
}

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', account: null, kind: 'income', categories: categoriesOf('income'),
    categoryIndex: -1, amount: '', counterparty: '', date: today(), memo: '', sides: [], side: '',
    formError: '', busy: false,
  },

  onLoad(query) {
    this.accountId = Number(query.account);
    this.key = http.newIdempotencyKey();
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const account = await trust.account(this.accountId);
      const sides = account.my_sides.map((s) => ({ side: s, label: TRUST_SIDES[s] || s }));
      this.setData({
        state: account.my_sides.length ? 'ready' : 'empty',
        account, sides, side: sides.length === 1 ? sides[0].side : '',
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  /** Any change to the form makes it another entry: a new Idempotency-Key. */
  changed(values) {
    this.key = http.newIdempotencyKey();
    this.setData({ ...values, formError: '' });
  },

  onKind(e) {
    const { kind } = dataset(e);
    this.changed({ kind, categories: categoriesOf(kind), categoryIndex: -1 });
  },
  onCategory(e) { this.changed({ categoryIndex: Number(e.detail.value) }); },
  onAmount(e) { this.changed({ amount: e.detail.value }); },
  onCounterparty(e) { this.changed({ counterparty: e.detail.value }); },
  onDate(e) { this.changed({ date: e.detail.value }); },
  onMemo(e) { this.changed({ memo: e.detail.value }); },
  onSide(e) { this.changed({ side: dataset(e).side }); },

  async onSubmit() {
    const { categories, categoryIndex, amount, counterparty, date, memo, side, kind } = this.data;
    const fen = toFen(amount);
    let problem = '';
    if (categoryIndex < 0) problem = '请选择科目';
    else if (fen === null) problem = '金额请填写大于 0 的数字，最多两位小数';
    else if (!counterparty.trim()) problem = '请填写对方单位或个人';
    else if (!side) problem = '您在两方都有任职，请选择代表哪一方';
    if (problem) {
      this.setData({ formError: problem });
      return;
    }
    if (this.data.busy) return;
    this.setData({ busy: true, formError: '' });
    try {
      const entry = await trust.enter(this.accountId, {
        kind, category: categories[categoryIndex].code, amount_fen: fen,
        counterparty: counterparty.trim(), occurred_on: date, memo: memo.trim(),
        ...(this.data.sides.length > 1 ? { side } : {}),
      }, this.key);
      this.key = http.newIdempotencyKey();
      showOk(`已录入 ${yuan(entry.amount_fen)} 元，待对方会签`);
      wx.navigateBack();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));
