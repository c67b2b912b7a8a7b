/**
 * 发起协商表决 (staff): the scope (a compound, one of its buildings, or one unit), title and
 * text, the rule, when it starts (now, or in three days after the roll is published for
 * objections) and how long it lasts. Sends one Idempotency-Key per form, kept for a retry.
 */
const consultations = require('../services/consultations');
const community = require('../services/address');
const session = require('../../../utils/session');
const http = require('../../../utils/request');
const { basePage, showError, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

const RULES = [
  { key: 'share_of_all', text: '全体住户80%同意', rule: { kind: 'share_of_all', threshold: 0.8 } },
  { key: 'civil_code_278', text: '民法典第二百七十八条', rule: { kind: 'civil_code_278' } },
];
const DAYS = [7, 14, 30];
const STARTS = [{ key: 'now', text: '立即开始' }, { key: 'later', text: '3天后开始（先公示名册）' }];
const DAY_MS = 24 * 3600 * 1000;

/** "2026-12-01T09:30:00+08:00": the API reads times with their offset. */
function iso(ms) {
  const local = new Date(ms + 8 * 3600 * 1000);
  return `${local.toISOString().slice(0, 19)}+08:00`;
}

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', compounds: [], buildings: [], units: [],
    compoundIndex: -1, buildingIndex: -1, unitIndex: -1,
    rules: RULES, rule: 'share_of_all', days: DAYS, day: 14, starts: STARTS, start: 'now',
    title: '', body: '', formError: '', busy: false,
  },

  async onLoad() {
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const communityId = session.communityOf(user, 'staff');
      const res = await community.compounds(communityId, { limit: 100 });
      this.setData({ state: 'ready', compounds: res.items || [] });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  async onCompound(e) {
    const compoundIndex = Number(e.detail.value);
    this.setData({ compoundIndex, buildingIndex: -1, unitIndex: -1, buildings: [], units: [] });
    try {
      const res = await community.buildings(this.data.compounds[compoundIndex].id, { limit: 100 });
      this.setData({ buildings: res.items || [] });
    } catch (err) {
      showError(err);
    }
  },

  async onBuilding(e) {
    const buildingIndex = Number(e.detail.value);
    this.setData({ buildingIndex, unitIndex: -1, units: [] });
    try {
      const res = await community.households(this.data.buildings[buildingIndex].id, { limit: 100 });
      const units = Array.from(new Set((res.items || []).map((h) => h.unit).filter((u) => u)));
      this.setData({ units: ['整栋'].concat(units.map((u) => `${u}单元`)), unitValues: [''].concat(units) });
    } catch (err) {
      showError(err);
    }
  },

  onUnit(e) { this.setData({ unitIndex: Number(e.detail.value) }); },
  onTitle(e) { this.setData({ title: e.detail.value }); },
  onBody(e) { this.setData({ body: e.detail.value }); },
  onRule(e) { this.setData({ rule: dataset(e).key }); },
  onDay(e) { this.setData({ day: Number(dataset(e).day) }); },
  onStart(e) { this.setData({ start: dataset(e).key }); },

  scope() {
    const { compounds, buildings, compoundIndex, buildingIndex, unitIndex } = this.data;
    if (buildingIndex >= 0) {
      const scope = { building_id: buildings[buildingIndex].id };
      const unit = unitIndex > 0 ? this.data.unitValues[unitIndex] : '';
      if (unit) scope.unit = unit;
      return scope;
    }
    return compoundIndex >= 0 ? { compound_id: compounds[compoundIndex].id } : null;
  },

  async onSubmit() {
    const scope = this.scope();
    const title = this.data.title.trim();
    if (!scope) { this.setData({ formError: '请选择小区（可再选楼栋、单元）' }); return; }
    if (!title) { this.setData({ formError: '请填写表决事项' }); return; }
    if (this.data.busy) return;
    this.setData({ formError: '', busy: true });
    const now = Date.now();
    const opens = this.data.start === 'now' ? now : now + 3 * DAY_MS;
    this.key = this.key || http.newIdempotencyKey();
    try {
      const made = await consultations.create({
        scope,
        title,
        body: this.data.body.trim(),
        opensAt: iso(opens),
        closesAt: iso(opens + this.data.day * DAY_MS),
        rule: RULES.find((r) => r.key === this.data.rule).rule,
        idempotencyKey: this.key,
      });
      this.key = null;
      wx.redirectTo({ url: `/packages/consult/consultation/index?id=${made.id}` });
    } catch (err) {
      this.setData({ formError: messageOf(err) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));
