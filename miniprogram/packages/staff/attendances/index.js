/**
 * 签到审核: checked-out attendances of my community waiting for review — `pending`, and
 * `partial` (under 60% of the shift); approving credits points once.
 */
const volunteering = require('../../../services/volunteering');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, dataset, shortTime } = require('../../../utils/ui');
const { attendanceBadge } = require('../../../utils/status');

const TABS = [{ key: 'pending', text: '待审核' }, { key: 'partial', text: '时长不足' }];

Page(basePage({
  data: { tabs: TABS, tab: 'pending', list: emptyList(), busy: 0 },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => {
      const user = session.cachedUser();
      return volunteering.attendances({
        status: this.data.tab, community_id: session.communityOf(user, 'staff'), ...page,
      });
    }, {
      decorate: (a) => ({
        ...a, badge: attendanceBadge(a.status), inAt: shortTime(a.checked_in_at), outAt: shortTime(a.checked_out_at),
      }),
    });
  },

  onShow() { this.pager.reload(); },

  onTab(e) {
    this.setData({ tab: dataset(e).key });
    this.pager.reload();
  },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  async onApprove(e) {
    const id = Number(dataset(e).id);
    if (this.data.busy) return;
    this.setData({ busy: id });
    try {
      await volunteering.approveAttendance(id);
      showOk('已通过，积分已发放');
      this.pager.reload();
    } catch (err) {
      showError(err);
    } finally {
      this.setData({ busy: 0 });
    }
  },
}));
