/**
 * 银发人才库 (staff, street admins, organisation department): retired party members of the
 * pool, searched by former field, expertise, age and name. Staff search their community; the
 * organisation department and street admins every community they oversee. Phones are masked.
 */
const talents = require('../services/talents');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage } = require('../../../utils/ui');

const AGES = [
  { key: 0, text: '不限年龄' },
  { key: 65, text: '65岁及以下' },
  { key: 70, text: '70岁及以下' },
  { key: 75, text: '75岁及以下' },
];

/** Who may search without picking a community: they oversee several. */
function overseer(user) {
  return ((user && user.roles) || []).some((r) => ['org_dept', 'street_admin', 'admin'].includes(r.role));
}

const decorate = (t) => ({
  ...t,
  summary: [`${t.age}岁`, t.former_field, t.former_unit].filter(Boolean).join(' · '),
  expertiseText: (t.expertise || []).join('、'),
  willingText: (t.willing || []).join('、'),
  notes: [t.health_note, t.availability_note].filter(Boolean).join('；'),
});

Page(basePage({
  data: {
    communityId: null, needCommunity: false, ages: AGES, ageMax: 0,
    field: '', expertise: '', q: '', list: emptyList(),
  },

  onLoad() {
    this.pager = createPager(this, 'list', (page) => talents.search({
      communityId: this.data.communityId, field: this.data.field.trim(),
      expertise: this.data.expertise.trim(), ageMax: this.data.ageMax, q: this.data.q.trim(),
    }, page), { decorate });
  },

  async onShow() {
    const user = session.cachedUser() || await session.refreshUser().catch(() => null);
    const communityId = session.workCommunity(user);
    const needCommunity = !communityId && !overseer(user);
    this.setData({ communityId, needCommunity });
    if (!needCommunity && !this.data.list.items.length) this.pager.reload();
  },

  onCommunity(e) {
    this.setData({ communityId: e.detail.id, needCommunity: false });
    this.pager.reload();
  },

  onInput(e) { this.setData({ [e.currentTarget.dataset.field]: e.detail.value }); },

  onAge(e) {
    this.setData({ ageMax: Number(e.currentTarget.dataset.key) });
    this.pager.reload();
  },

  onSearch() { return this.pager.reload(); },

  onPullDownRefresh() {
    const done = this.data.needCommunity ? Promise.resolve() : this.pager.reload();
    done.then(() => wx.stopPullDownRefresh());
  },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },
}));
