/**
 * 志愿活动: activities of my community with their shifts still to come (or running now, for
 * check-in); a shift opens to sign up and check in. Ended shifts are not listed.
 */
const volunteering = require('../../../services/volunteering');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, dataset, shortTime } = require('../../../utils/ui');

/** Shifts that have not ended (and are not closed), soonest first. */
function upcomingShifts(shifts, now = Date.now()) {
  return (shifts || []).filter((s) => !s.closed && Date.parse(s.ends_at) > now)
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}

function decorateShift(s) {
  const full = s.capacity && s.signed_up >= s.capacity;
  return {
    ...s,
    start: shortTime(s.starts_at),
    end: shortTime(s.ends_at).slice(-5),
    seats: full ? `已满（${s.signed_up}/${s.capacity}），可候补` : `已报 ${s.signed_up}/${s.capacity}`,
  };
}

Page(basePage({
  data: { list: emptyList(), sharedId: 0 },

  onLoad(query) {
    this.setData({ sharedId: Number(query && query.activity_id) || 0 });
    this.pager = createPager(this, 'list', async (page) => {
      const user = session.cachedUser() || await session.refreshUser();
      const communityId = session.communityOf(user, 'volunteer') || session.communityOf(user, 'party_member');
      const res = await volunteering.activities({ community_id: communityId, upcoming: true, ...page });
      const items = (res.items || []).map((a) => ({ ...a, shifts: upcomingShifts(a.shifts) }))
        .filter((a) => a.shifts.length);
      return { ...res, items };
    }, { decorate: (a) => ({ ...a, shifts: a.shifts.map(decorateShift) }) });
  },

  onShow() { this.pager.reload(); },
  onPullDownRefresh() { this.pager.reload().then(() => wx.stopPullDownRefresh()); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  onShift(e) {
    const { shift } = dataset(e);
    wx.navigateTo({ url: `/packages/volunteer/shift/index?id=${shift}` });
  },

  onHours() { wx.navigateTo({ url: '/packages/volunteer/hours/index' }); },

  /** Share card: an activity's own (from its 分享 button), or the list. */
  onShareAppMessage(res) {
    const ds = (res && res.from === 'button' && res.target && res.target.dataset) || {};
    if (ds.id) {
      return {
        title: `一起来做志愿：${ds.title}${ds.when ? `（${ds.when}）` : ''}`,
        path: `/packages/volunteer/activities/index?activity_id=${ds.id}`,
      };
    }
    return { title: '邻里通：社区志愿活动，一起来参加', path: '/packages/volunteer/activities/index' };
  },
}));

module.exports = { upcomingShifts };
