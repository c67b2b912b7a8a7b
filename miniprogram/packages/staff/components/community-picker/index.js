/**
 * 选择社区, for staff screens used by an admin or by staff of several communities: lists the
 * communities they may pick, remembers the pick (session.setWorkCommunity) and emits `change`
 * with `{id}`. Shown only when `needed` (the page knows whether a pick is missing).
 */
const review = require('../../services/review');
const session = require('../../../../utils/session');
const { messageOf } = require('../../../../utils/errors');

Component({
  options: { addGlobalClass: true },
  properties: { current: { type: Number, value: 0 } },
  data: { options: [], names: [], index: -1, state: 'loading', error: '' },
  lifetimes: {
    attached() { this.load(); },
  },
  methods: {
    async load() {
      this.setData({ state: 'loading', error: '' });
      try {
        const user = session.cachedUser() || await session.refreshUser();
        const res = await review.communities({ limit: 100 });
        const mine = (user.roles || []).filter((r) => r.role === 'staff').map((r) => r.community_id);
        const options = (res.items || []).filter((c) => session.isAdmin(user) || mine.includes(c.id));
        this.setData({
          options,
          names: options.map((c) => c.name),
          index: options.findIndex((c) => c.id === this.data.current),
          state: options.length ? '' : 'empty',
        });
      } catch (e) {
        this.setData({ state: 'error', error: messageOf(e) });
      }
    },
    onPick(e) {
      const index = Number(e.detail.value);
      const picked = this.data.options[index];
      if (!picked) return;
      session.setWorkCommunity(picked.id);
      this.setData({ index });
      this.triggerEvent('change', { id: picked.id });
    },
  },
});
