/**
 * 数据统计 (staff): the figures of my community for a period — services, problems solved,
 * disputes and their change on a year earlier, volunteer time (verified and 补录 apart, in hours
 * and minutes), activities, points, party members, consultations, elevators, projects — and
 * monthly charts of services, volunteer hours and problems solved (uCharts, in this subpackage).
 * A figure the platform cannot know yet shows its reason, never 0. An admin (or staff of several
 * communities) picks the community first. Dates are Asia/Shanghai days, `to` inclusive.
 */
const stats = require('../services/stats');
const chart = require('./chart');
const {
  groupsOf, chartData, periodOf, CHARTS,
} = require('./figures');
const session = require('../../../utils/session');
const { basePage, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

const PERIODS = [
  { key: 'year', text: '近一年' }, { key: 'month', text: '本月' }, { key: 'last', text: '上月' },
  { key: 'ytd', text: '今年以来' },
];

Page(basePage({
  data: {
    periods: PERIODS, period: 'year', from: '', to: '', communityId: null, needCommunity: false,
    state: 'loading', error: '', scopeName: '', groups: [], charts: [],
  },

  async onShow() {
    const user = session.cachedUser() || await session.refreshUser().catch(() => null);
    const communityId = session.workCommunity(user);
    this.setData({ communityId, needCommunity: !communityId });
    if (communityId) await this.load();
  },

  onCommunity(e) {
    this.setData({ communityId: e.detail.id, needCommunity: false });
    return this.load();
  },

  onPeriod(e) {
    const { key } = dataset(e);
    if (key === this.data.period) return undefined;
    this.setData({ period: key });
    return this.load();
  },

  onPullDownRefresh() {
    const done = this.data.communityId ? this.load() : Promise.resolve();
    return done.then(() => wx.stopPullDownRefresh());
  },

  async load() {
    const { from, to } = periodOf(this.data.period);
    const query = { communityId: this.data.communityId, from, to };
    this.setData({ state: 'loading', error: '', from, to });
    const asked = CHARTS.map((c) => stats.series(c.metric, query));
    try {
      const summary = await stats.summary(query);
      this.setData({
        state: 'ready', scopeName: (summary.scope && summary.scope.name) || '', groups: groupsOf(summary),
      });
    } catch (e) {
      asked.forEach((p) => p.catch(() => null));
      this.setData({ state: 'error', error: messageOf(e) });
      return;
    }
    const answers = await Promise.all(asked.map((p) => p.then((s) => ({ s }), (e) => ({ e }))));
    const charts = CHARTS.map((c, i) => {
      const { s, e } = answers[i];
      if (e) return { ...c, id: `chart-${i}`, error: messageOf(e), empty: false };
      return { ...c, id: `chart-${i}`, error: '', ...chartData(c, s) };
    });
    // Drawn once the canvases are on the page (setData's callback runs after rendering).
    await new Promise((resolve) => { this.setData({ charts }, resolve); });
    await this.drawCharts();
  },

  /** Draw each chart that has data; a chart that cannot be drawn says so in its card. */
  drawCharts() {
    return Promise.all(this.data.charts.map((c, i) => {
      if (c.error || c.empty) return null;
      return chart.draw(this, `#${c.id}`, {
        type: c.type, title: c.title, categories: c.categories, data: c.data, elder: this.data.elder,
      }).catch(() => this.setData({ [`charts[${i}].error`]: '图表加载失败' }));
    }));
  },
}));
