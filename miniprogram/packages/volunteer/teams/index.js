/** 志愿队伍: my community's teams (V站, 联盟, 跑腿队, 党员先锋队); a team shows its members and board. */
const together = require('../services/together');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, dataset } = require('../../../utils/ui');
const { TEAM_KINDS, label } = require('../../../utils/status');

Page(basePage({
  data: { list: emptyList(), openId: 0, members: [] },

  onLoad() {
    this.pager = createPager(this, 'list', async (page) => {
      const user = session.cachedUser() || await session.refreshUser();
      return together.teams(session.communityOf(user, 'volunteer'), page);
    }, { decorate: (t) => ({ ...t, kindLabel: label(TEAM_KINDS, t.kind) }) });
  },

  onShow() { this.pager.reload(); },
  onPullDownRefresh() { this.pager.reload().then(() => wx.stopPullDownRefresh()); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  async onTeam(e) {
    const id = Number(dataset(e).id);
    if (this.data.openId === id) {
      this.setData({ openId: 0, members: [] });
      return;
    }
    this.setData({ openId: id, members: [] });
    try {
      const res = await together.members(id);
      this.setData({ members: (res.items || []).map((m) => m.user.nickname) });
    } catch (err) {
      showError(err);
    }
  },

  onBoard(e) {
    const { id, name } = dataset(e);
    wx.navigateTo({ url: `/packages/volunteer/leaderboard/index?team_id=${id}&name=${encodeURIComponent(name)}` });
  },
}));
