/**
 * 志愿排行: verified hours this month or this year, for the whole community or one team
 * (`team_id`, opened from 志愿队伍). My own row is marked.
 */
const together = require('../services/together');
const session = require('../../../utils/session');
const { basePage, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

const PERIODS = [{ key: 'month', text: '本月' }, { key: 'year', text: '本年' }];

Page(basePage({
  data: { periods: PERIODS, period: 'month', title: '社区排行', rows: [], state: 'loading', error: '' },

  onLoad(query) {
    this.teamId = Number(query && query.team_id) || 0;
    if (this.teamId && query.name) this.setData({ title: `${decodeURIComponent(query.name)} 排行` });
  },

  onShow() { this.load(); },
  onPullDownRefresh() { this.load().then(() => wx.stopPullDownRefresh()); },

  onPeriod(e) {
    this.setData({ period: dataset(e).key });
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = session.cachedUser() || await session.refreshUser();
      const res = this.teamId ? await together.teamBoard(this.teamId, this.data.period)
        : await together.communityBoard(session.communityOf(user, 'volunteer'), this.data.period);
      const rows = (res.items || []).map((r) => ({ ...r, mine: r.user_id === user.id }));
      this.setData({ rows, state: rows.length ? '' : 'empty' });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },
}));
