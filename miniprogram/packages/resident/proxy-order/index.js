/**
 * 代下单: order a service on a resident's behalf. Two ways in, one page:
 * - 替家人下单 (我的): a family member orders for someone bound to the same household; the
 *   resident's consent may come through the family;
 * - 居民来电？代下单 (staff queue, `?as=staff`): many elderly residents phone the community
 *   instead of opening the app; staff pick a resident with an approved binding in their
 *   community and record the call (on the phone or in person, with a note).
 * Both pick the service, a phrase chip or a few words and how the resident agreed, and create it
 * with one Idempotency-Key per order. A resident-paid service placed this way waits for the
 * resident's own confirmation in the app, unless staff noted the call: the page says so first.
 * The page lives in the resident subpackage for both, so no code is shared across subpackages.
 */
const catalog = require('../../../services/catalog');
const orders = require('../../../services/orders');
const household = require('../services/household');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { PROXY_CONSENTS } = require('../../../utils/status');

const MIN_DESCRIPTION = 4;

/** Who may be ordered for, and how they may agree, for each way in. */
const MODES = {
  family: {
    consents: ['family', 'phone_call', 'in_person'],
    async people() {
      const user = await session.refreshUser();
      return household.familyMembers(user);
    },
  },
  staff: {
    consents: ['phone_call', 'in_person'],
    async people() {
      const user = session.cachedUser() || await session.refreshUser();
      const communityId = session.workCommunity(user) || session.communityOf(user, 'staff');
      return household.communityResidents(communityId);
    },
  },
};

Page(basePage({
  data: {
    state: 'loading', error: '', placedAs: 'family', people: [], personKey: '', categories: [],
    categoryId: null, category: null, phrases: [], phrase: '', description: '', consents: [],
    consent: '', note: '', submitting: false, formError: '', waitsHint: '',
  },

  onLoad(query) {
    const placedAs = query && query.as === 'staff' ? 'staff' : 'family';
    const { consents } = MODES[placedAs];
    this.setData({
      placedAs,
      consents: consents.map((kind) => ({ kind, label: PROXY_CONSENTS[kind] })),
      consent: consents[0],
    });
    return this.load();
  },

  /** Pull down: the people and the categories again. */
  onPullDownRefresh() { return this.load().then(() => wx.stopPullDownRefresh()); },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const [people, categories] = await Promise.all([
        MODES[this.data.placedAs].people(), catalog.categories({ limit: 100 }),
      ]);
      this.setData({
        state: people.length ? 'ready' : 'empty',
        people: people.map((p) => ({ ...p, key: `${p.userId}:${p.householdId}` })),
        categories: categories.items || [],
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onPerson(e) { this.setData({ personKey: dataset(e).key, formError: '' }); },

  onCategory(e) {
    const category = this.data.categories.find((c) => c.id === Number(dataset(e).id)) || null;
    this.setData({
      categoryId: category ? category.id : null, category, phrases: category ? category.phrases || [] : [], phrase: '', formError: '',
    });
    this.updateHint();
  },

  onPhrase(e) {
    const { phrase } = dataset(e);
    this.setData({ phrase: this.data.phrase === phrase ? '' : phrase, formError: '' });
  },

  onDescription(e) { this.setData({ description: e.detail.value }); },
  onConsent(e) { this.setData({ consent: dataset(e).kind }); this.updateHint(); },
  onNote(e) { this.setData({ note: e.detail.value }); this.updateHint(); },

  /** What happens after submitting: a resident-paid order may wait for the resident. */
  updateHint() {
    const { category, note, consent } = this.data;
    const paid = category && category.payer === 'resident' && category.points_per_hour > 0;
    const noted = this.data.placedAs === 'staff' && consent !== 'family' && note.trim();
    this.setData({
      waitsHint: paid && !noted ? '本服务由居民积分支付，提交后需居民本人在小程序中确认（或由社区记录电话确认情况）' : '',
    });
  },

  check() {
    if (!this.data.personKey) return '请选择为谁下单';
    if (!this.data.categoryId) return '请选择服务类别';
    if (!this.data.phrase && this.data.description.trim().length < MIN_DESCRIPTION) {
      return '请点选常用语，或用至少4个字描述';
    }
    return '';
  },

  async onSubmit() {
    if (this.data.submitting) return;
    const problem = this.check();
    if (problem) { this.setData({ formError: problem }); return; }
    const person = this.data.people.find((p) => p.key === this.data.personKey);
    const note = this.data.note.trim();
    const order = {
      categoryId: this.data.categoryId,
      householdId: person.householdId,
      forUserId: person.userId,
      description: this.data.description.trim(),
      phrase: this.data.phrase || undefined,
      consent: note ? { kind: this.data.consent, note } : { kind: this.data.consent },
    };
    const draft = JSON.stringify(order);
    if (!this.pending || this.pending.draft !== draft) this.pending = { draft, key: http.newIdempotencyKey() };
    this.setData({ submitting: true, formError: '' });
    try {
      const created = await orders.create({ ...order, idempotencyKey: this.pending.key });
      this.pending = null;
      showOk(created.status === 'proposed' ? '待本人确认' : '已代下单');
      wx.redirectTo({ url: `/packages/resident/request/index?id=${created.id}` });
    } catch (e) {
      if (e.status) this.pending = null;
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ submitting: false });
    }
  },
}));
