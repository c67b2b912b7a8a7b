/** 我的志愿时长: verified, make-up (补录) and pending hours, no-shows, and my attendances. */
const volunteering = require('../../../services/volunteering');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { attendanceBadge } = require('../../../utils/status');

const hours = (minutes) => (Math.round(((minutes || 0) / 60) * 10) / 10).toString();

Page(basePage({
  data: { record: null, recordState: 'loading', recordError: '', list: emptyList() },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => volunteering.myAttendances(page), {
      decorate: (a) => ({ ...a, badge: attendanceBadge(a.status), when: shortTime(a.checked_in_at) }),
    });
  },

  onPullDownRefresh() {
    Promise.all([this.loadRecord(), this.pager.reload()]).then(() => wx.stopPullDownRefresh());
  },

  onShow() {
    this.loadRecord();
    this.pager.reload();
  },

  async loadRecord() {
    this.setData({ recordState: 'loading', recordError: '' });
    try {
      const r = await volunteering.myRecord();
      this.setData({
        recordState: '',
        record: {
          ...r, verified: hours(r.verified_minutes), manual: hours(r.manual_minutes), pending: hours(r.pending_minutes),
        },
      });
    } catch (e) {
      this.setData({ recordState: 'error', recordError: messageOf(e) });
    }
  },

  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },
}));
