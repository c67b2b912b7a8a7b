/**
 * 点单 in three steps: 1 what (category), 2 details (description, household, preferred time),
 * 3 confirm. The request is created only on step 3, with an Idempotency-Key kept for the same
 * order until the API gives a definite answer, so submitting again after a timeout never
 * orders twice.
 *
 * Ordering without typing: the category's preset phrases (常用语) are large chips, photos are
 * taken or picked (wx.chooseMedia) and uploaded (POST /files) before the order is sent, and a
 * phrase or a photo stands in for the 4-character description (the API's rule too). The
 * community's service phone is one tap away on every step.
 */
const catalog = require('../../../services/catalog');
const orders = require('../../../services/orders');
const household = require('../services/household');
const { uploadAll, choosePhotos } = require('../services/upload');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const subscribe = require('../../../utils/subscribe');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { PAYERS } = require('../../../utils/status');

const MAX_PHOTOS = 3;
const MIN_DESCRIPTION = 4;

Page(basePage({
  data: {
    step: 1,
    categories: { items: [], state: 'loading', error: '' },
    categoryId: null,
    category: null,
    households: [],
    householdId: null,
    household: null,
    description: '',
    phrases: [],
    phrase: '',
    photos: [],
    maxPhotos: MAX_PHOTOS,
    servicePhone: '',
    date: '',
    time: '',
    submitting: false,
    formError: '',
  },

  onPullDownRefresh() {
    this.loadCategories().then(() => wx.stopPullDownRefresh());
  },

  onLoad(query) {
    this.presetCategory = query && query.category_id ? Number(query.category_id) : null;
    this.loadCategories();
    this.loadHouseholds();
  },

  async loadCategories() {
    this.setData({ categories: { items: [], state: 'loading', error: '' } });
    try {
      const res = await catalog.categories({ limit: 100 });
      const items = (res.items || []).map((c) => ({ ...c, payerLabel: PAYERS[c.payer] || '' }));
      this.setData({ categories: { items, state: items.length ? '' : 'empty', error: '' } });
      if (this.presetCategory) this.pickCategory(this.presetCategory);
    } catch (e) {
      this.setData({ categories: { items: [], state: 'error', error: messageOf(e) } });
    }
  },

  async loadHouseholds() {
    try {
      const user = await session.refreshUser();
      const households = (user.households || []).filter((h) => h.status === 'approved');
      this.setData({ households });
      if (households.length === 1) this.pickHousehold(households[0].household_id);
      const communityId = households.length ? households[0].community_id : session.communityOf(user);
      if (communityId) await this.loadServicePhone(communityId);
    } catch (e) {
      showError(e);
    }
  },

  /** The community's service phone, for the one-tap call; no phone, no button. */
  async loadServicePhone(communityId) {
    try {
      const community = await household.community(communityId);
      this.setData({ servicePhone: community.service_phone || '' });
    } catch (e) {
      this.setData({ servicePhone: '' });
    }
  },

  onCall() {
    if (!this.data.servicePhone) return;
    wx.makePhoneCall({ phoneNumber: this.data.servicePhone, fail: () => {} });
  },

  pickCategory(id) {
    const category = this.data.categories.items.find((c) => c.id === id) || null;
    const changed = !category || category.id !== this.data.categoryId;
    this.setData({
      categoryId: category ? id : null,
      category,
      phrases: category ? category.phrases || [] : [],
      phrase: changed ? '' : this.data.phrase,
    });
  },

  /** A phrase chip: tap to choose, tap again to drop. */
  onPhrase(e) {
    const { phrase } = dataset(e);
    this.setData({ phrase: this.data.phrase === phrase ? '' : phrase, formError: '' });
  },

  async onAddPhoto() {
    const room = MAX_PHOTOS - this.data.photos.length;
    if (room <= 0) return;
    try {
      const paths = await choosePhotos(room);
      this.setData({ photos: this.data.photos.concat(paths.map((path) => ({ path }))), formError: '' });
    } catch (e) {
      showError(e);
    }
  },

  onRemovePhoto(e) {
    const index = Number(dataset(e).index);
    this.setData({ photos: this.data.photos.filter((_, i) => i !== index) });
  },

  onCategory(e) {
    this.pickCategory(Number(dataset(e).id));
  },

  pickHousehold(id) {
    const household = this.data.households.find((h) => h.household_id === id) || null;
    this.setData({ householdId: household ? id : null, household });
  },

  onHousehold(e) {
    this.pickHousehold(Number(dataset(e).id));
  },

  onDescription(e) { this.setData({ description: e.detail.value }); },
  onDate(e) { this.setData({ date: e.detail.value }); },
  onTime(e) { this.setData({ time: e.detail.value }); },

  onNext() {
    const { step } = this.data;
    if (step === 1 && !this.data.categoryId) {
      this.setData({ formError: '请选择服务类别' });
      return;
    }
    if (step === 2) {
      const problem = this.checkDetails();
      if (problem) {
        this.setData({ formError: problem });
        return;
      }
    }
    this.setData({ step: step + 1, formError: '' });
  },

  checkDetails() {
    const { phrase, photos, description } = this.data;
    // The API's rule: a few words, or a phrase, or a photo.
    if (!phrase && !photos.length && description.trim().length < MIN_DESCRIPTION) {
      return '请点选常用语、拍照，或用至少4个字描述';
    }
    if (!this.data.householdId) {
      return this.data.households.length ? '请选择服务地址' : '请先在“我的”中绑定住户';
    }
    if (this.data.time && !this.data.date) return '请选择期望日期';
    return '';
  },

  onBack() {
    this.setData({ step: Math.max(1, this.data.step - 1), formError: '' });
  },

  onBindHousehold() {
    wx.navigateTo({ url: '/packages/resident/household/index' });
  },

  preferredStart() {
    if (!this.data.date) return undefined;
    return `${this.data.date}T${this.data.time || '09:00'}:00+08:00`;
  },

  async onSubmit() {
    if (this.data.submitting) return;
    // Inside the tap: ask to be told when a partner accepts, starts and completes.
    const asked = subscribe.ask(subscribe.WISHES.order);
    this.setData({ submitting: true, formError: '' });
    const order = {
      categoryId: this.data.categoryId,
      householdId: this.data.householdId,
      description: this.data.description.trim(),
      phrase: this.data.phrase || undefined,
      preferredStart: this.preferredStart(),
    };
    // The same order keeps its key; a changed order is a new one with a new key.
    const draft = JSON.stringify({ ...order, photos: this.data.photos.map((p) => p.path) });
    if (!this.pending || this.pending.draft !== draft) {
      this.pending = { draft, key: http.newIdempotencyKey() };
    }
    try {
      await asked;
      // Uploaded once: a retry only sends the photos not uploaded yet.
      const photos = await uploadAll(this.data.photos);
      this.setData({ photos });
      const photoIds = photos.map((p) => p.id);
      const created = await orders.create({
        ...order, photoIds: photoIds.length ? photoIds : undefined, idempotencyKey: this.pending.key,
      });
      this.pending = null;
      showOk('已提交'); // the request page says 待派单
      wx.redirectTo({ url: `/packages/resident/request/index?id=${created.id}` });
    } catch (e) {
      // Only a lost answer (network, timeout) may be retried with the same key.
      if (e.status) this.pending = null;
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ submitting: false });
    }
  },
}));
