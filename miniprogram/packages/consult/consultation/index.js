/**
 * One consultation: the rule in one sentence, the live turnout (heads and area), and for each of
 * my households in scope the three large vote buttons (owners only), the household's current
 * vote and its receipt. Choices stay sealed until the close; then the result and whether my
 * receipt is in the published list. Staff open a draft and close a finished one.
 */
const consultations = require('../services/consultations');
const {
  basePage, showError, showOk, confirm, shortTime, dataset,
} = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { consultationBadge, CHOICES, RULE_NAMES, label } = require('../../../utils/status');

const pct = (x) => `${Math.round((x || 0) * 1000) / 10}%`;
const CHOICE_LIST = ['agree', 'disagree', 'abstain'].map((key) => ({ key, text: CHOICES[key] }));

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', c: null, badge: null, homes: [], choices: CHOICE_LIST,
    busy: '', found: null,
  },

  onLoad(query) {
    this.consultationId = Number(query.id);
    this.load();
  },

  async load() {
    try {
      const c = await consultations.get(this.consultationId);
      this.show(c);
      if (c.status === 'closed') await this.checkReceipts(c);
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  show(c) {
    const labels = { ...CHOICES, ...(c.options || {}) };
    this.setData({
      state: 'ready',
      c: {
        ...c,
        ruleName: label(RULE_NAMES, c.rule.kind),
        until: shortTime(c.closes_at),
        from: shortTime(c.opens_at),
        heads: `${c.voted}/${c.eligible} 户（${pct(c.turnout)}）`,
        area: `${c.by_area.voted || '0.00'}/${c.by_area.eligible || '0.00'} ㎡（${pct(c.by_area.turnout)}）`,
        neededText: c.needed.agree !== undefined ? `至少 ${c.needed.agree} 户同意`
          : `至少 ${c.needed.voted} 户、${c.needed.voted_area_m2} ㎡参与`,
        canOpen: c.can_manage && c.status === 'draft',
        canClose: c.can_manage && c.status === 'open' && !c.accepting_votes,
      },
      badge: consultationBadge(c),
      choices: CHOICE_LIST.map((x) => ({ ...x, text: labels[x.key] })),
      homes: (c.my_households || []).map((h) => ({
        ...h,
        voteText: h.vote ? labels[h.vote.choice] : '',
        receiptShort: h.vote ? h.vote.receipt.slice(0, 12) : '',
      })),
    });
  },

  async checkReceipts(c) {
    const mine = (c.my_households || []).filter((h) => h.vote).map((h) => h.vote.receipt);
    if (!mine.length) return;
    const list = await consultations.receipts(c.id);
    const published = new Set(list.items.map((i) => i.receipt));
    this.setData({ found: mine.every((r) => published.has(r)) });
  },

  async onVote(e) {
    const { household, choice } = dataset(e);
    if (this.data.busy) return;
    const ok = await confirm(`确认投「${CHOICES[choice]}」？`, '截止前可以改投，以最后一次为准');
    if (!ok) return;
    this.setData({ busy: `${household}:${choice}` });
    try {
      await consultations.vote(this.consultationId, { householdId: Number(household), choice });
      showOk('已投票');
      this.show(await consultations.get(this.consultationId));
    } catch (err) {
      showError(err);
    } finally {
      this.setData({ busy: '' });
    }
  },

  async onStaff(e) {
    const { action } = dataset(e);
    const question = action === 'open' ? '立即开始表决？名册将冻结，不能再改' : '结束并计票？结果一经公布不再改变';
    if (!(await confirm(question))) return;
    try {
      this.show(await consultations[action](this.consultationId));
      showOk(action === 'open' ? '已开始' : '已计票');
    } catch (err) {
      showError(err);
    }
  },

  onRetry() { this.load(); },
}));
