/**
 * 加装电梯: my building's project(s): the stages with the current one, the consent
 * consultation, the budget against the pledges, my household's share, and every step.
 */
const config = require('../../../config');
const elevators = require('../services/elevators');
const { basePage, shortTime, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { ELEVATOR_STAGES, consultationBadge } = require('../../../utils/status');

const yuan = (fen) => (fen === null || fen === undefined ? '—' : `¥${(fen / 100).toFixed(2)}`);

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', projects: [], p: null, stages: [], homes: [], events: [],
    consultation: null,
  },

  onLoad(query) {
    this.wanted = query.id ? Number(query.id) : null;
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const res = await elevators.list({ limit: 20 });
      const projects = res.items || [];
      this.setData({ projects });
      const chosen = projects.find((p) => p.id === this.wanted) || projects[0];
      if (!chosen) {
        this.setData({ state: 'empty', p: null });
        return;
      }
      await this.open(chosen.id);
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  async open(id) {
    const [p, events] = await Promise.all([elevators.get(id), elevators.events(id)]);
    const at = p.stages.indexOf(p.stage);
    this.setData({
      state: 'ready',
      p: {
        ...p, budget: yuan(p.budget_fen), pledged: yuan(p.pledged_fen),
        shortfall: yuan(p.shortfall_fen), stageName: ELEVATOR_STAGES[p.stage],
      },
      stages: p.stages.map((s, i) => ({
        key: s, text: ELEVATOR_STAGES[s], done: i < at, current: i === at,
      })),
      consultation: p.consultation
        ? { ...p.consultation, badge: consultationBadge(p.consultation) } : null,
      homes: (p.households || []).filter((h) => h.mine).map((h) => ({
        ...h, expected: yuan(h.expected_fen), pledged: yuan(h.pledged_fen),
      })),
      events: events.items.map((e) => ({
        ...e, when: shortTime(e.at), stageText: ELEVATOR_STAGES[e.to_stage],
        files: e.files.map((f) => ({ ...f, src: `${config.baseUrl}${f.url}` })),
      })).reverse(),
    });
  },

  async onProject(e) {
    try {
      await this.open(Number(dataset(e).id));
    } catch (err) {
      this.setData({ state: 'error', error: messageOf(err) });
    }
  },

  onConsultation() {
    wx.navigateTo({ url: `/packages/consult/consultation/index?id=${this.data.consultation.id}` });
  },

  onRetry() { this.load(); },
}));
