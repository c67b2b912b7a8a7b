/**
 * 活动与班次 (staff): the community's activities with each shift's state; show a shift's check-in
 * code, add a shift, create an activity, and close a shift once it has ended (no-shows marked,
 * unfinished check-ins sent to review).
 */
const manage = require('../services/manage');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, dataset, shortTime } = require('../../../utils/ui');

const GRACE_MS = 30 * 60 * 1000; // the API closes a shift 30 minutes after its end

function shiftState(s, now) {
  if (s.closed) return { text: '已关闭', closable: false };
  const start = Date.parse(s.starts_at);
  const end = Date.parse(s.ends_at);
  if (now < start) return { text: '未开始', closable: false };
  if (now < end) return { text: '进行中', closable: false };
  return { text: now >= end + GRACE_MS ? '已结束，可关闭' : '已结束（签退宽限中）', closable: now >= end + GRACE_MS };
}

Page(basePage({
  data: { communityId: null, needCommunity: false, list: emptyList(), busy: 0 },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => manage.activities(this.data.communityId, page), {
      decorate: (a) => {
        const now = Date.now();
        return {
          ...a,
          shifts: (a.shifts || []).map((s) => ({
            ...s, state: shiftState(s, now), when: `${shortTime(s.starts_at)}–${shortTime(s.ends_at).slice(-5)}`,
          })),
        };
      },
    });
  },

  async onShow() {
    const user = session.cachedUser() || await session.refreshUser().catch(() => null);
    const communityId = session.workCommunity(user);
    this.setData({ communityId, needCommunity: !communityId });
    if (communityId) this.pager.reload();
  },

  onCommunity(e) {
    this.setData({ communityId: e.detail.id, needCommunity: false });
    this.pager.reload();
  },

  onPullDownRefresh() {
    const done = this.data.communityId ? this.pager.reload() : Promise.resolve();
    done.then(() => wx.stopPullDownRefresh());
  },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onNew() {
    wx.navigateTo({ url: `/packages/staff/activity-new/index?community_id=${this.data.communityId}` });
  },

  onAddShift(e) {
    const { id, title } = dataset(e);
    wx.navigateTo({ url: `/packages/staff/activity-new/index?community_id=${this.data.communityId}&activity_id=${id}&title=${encodeURIComponent(title)}` });
  },

  onCode(e) {
    wx.navigateTo({ url: `/packages/staff/checkin-code/index?shift_id=${dataset(e).id}` });
  },

  async onClose(e) {
    const id = Number(dataset(e).id);
    if (this.data.busy) return;
    this.setData({ busy: id });
    try {
      const res = await manage.closeShift(id);
      wx.showModal({
        title: '班次已关闭',
        content: res.already_closed ? '该班次此前已关闭。'
          : `缺席 ${res.no_shows} 人；未签退 ${res.unfinished} 人，已转入审核。`,
        showCancel: false,
      });
      this.pager.reload();
    } catch (err) {
      showError(err);
    } finally {
      this.setData({ busy: 0 });
    }
  },
}));
