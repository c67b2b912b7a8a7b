/**
 * 代下单: the form staff and family members use to order a service on a resident's behalf. Who
 * the resident can be differs (staff: the community's bound residents; family: the people bound
 * to my households), so each page passes `loadPeople()` → `[{userId, householdId, nickname,
 * address}]` and the consent kinds it may record; the rest is here: category, phrase chips,
 * description, consent and its note, and creation with one Idempotency-Key per order.
 *
 * A resident-paid service placed this way waits for the resident's own confirmation in the app,
 * unless staff noted the call (`note`): the page says so before submitting.
 */
const catalog = require('../services/catalog');
const orders = require('../services/orders');
const http = require('./request');
const { basePage, showError, showOk, dataset } = require('./ui');
const { messageOf } = require('./errors');
const { PROXY_CONSENTS } = require('./status');

const MIN_DESCRIPTION = 4;

function proxyOrderPage({ loadPeople, consents, placedAs }) {
  return basePage({
    data: {
      state: 'loading', error: '', people: [], personKey: '', categories: [], categoryId: null,
      category: null, phrases: [], phrase: '', description: '',
      consents: consents.map((kind) => ({ kind, label: PROXY_CONSENTS[kind] })),
      consent: consents[0], note: '', placedAs, submitting: false, formError: '', waitsHint: '',
    },

    onLoad() { return this.load(); },

    onPullDownRefresh() { return this.load().then(() => wx.stopPullDownRefresh()); },

    async load() {
      this.setData({ state: 'loading', error: '' });
      try {
        const [people, categories] = await Promise.all([loadPeople.call(this), catalog.categories({ limit: 100 })]);
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
      const noted = placedAs === 'staff' && consent !== 'family' && note.trim();
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
  });
}

module.exports = { proxyOrderPage };
