/** 社区项目: the projects the 大党委's resolutions became, newest first, with their progress. */
const projects = require('../services/projects');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset } = require('../../../utils/ui');
const { projectBadge } = require('../../../utils/status');

const FILTERS = [
  { key: '', text: '全部' },
  { key: 'in_progress', text: '实施中' },
  { key: 'done', text: '已办结' },
  { key: 'overdue', text: '已逾期' },
];

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onShow()).finally(() => wx.stopPullDownRefresh());
  },

  data: { list: emptyList(), filters: FILTERS, filter: '' },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => {
      const user = session.cachedUser();
      const query = { ...page };
      const community = user ? session.communityOf(user) : null;
      if (community) query.community_id = community;
      if (this.data.filter === 'overdue') query.overdue = true;
      else if (this.data.filter) query.status = this.data.filter;
      return projects.list(query);
    }, {
      decorate: (p) => ({
        ...p, badge: projectBadge(p.status), owner: `${p.owner.name}（${p.owner.unit}）`,
      }),
    });
  },

  onShow() { this.pager.reload(); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onFilter(e) {
    this.setData({ filter: dataset(e).key });
    this.pager.reload();
  },

  onProject(e) {
    wx.navigateTo({ url: `/packages/governance/project/index?id=${dataset(e).id}` });
  },
}));
