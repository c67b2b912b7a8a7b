/**
 * 反映问题: category, what is wrong, where (a building of my community, or my position on the
 * map), up to 9 photos, optionally anonymous. Photos are uploaded (POST /files) before the
 * report is sent; the report keeps one Idempotency-Key until the API gives a definite answer,
 * so sending again after a timeout never files it twice.
 */
const feedback = require('../services/feedback');
const http = require('../../../utils/request');
const session = require('../../../utils/session');
const { uploadAll, choosePhotos } = require('../services/upload');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { MAX_PHOTOS } = require('../common');

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading',
    error: '',
    categories: [],
    category: '',
    text: '',
    buildings: [],
    buildingId: null,
    point: null,
    photos: [],
    maxPhotos: MAX_PHOTOS,
    anonymous: false,
    submitting: false,
    formError: '',
  },

  onLoad() {
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = session.cachedUser() || await session.refreshUser();
      this.communityId = session.communityOf(user);
      if (!this.communityId) {
        this.setData({ state: 'empty', error: '' });
        return;
      }
      const [categories, buildings] = await Promise.all([
        feedback.categories(), feedback.buildings(this.communityId),
      ]);
      this.setData({
        state: 'ready',
        categories: categories.items || [],
        buildings: (buildings.items || []).map((b) => ({ ...b, label: `${b.compound_name}${b.name}` })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onCategory(e) { this.setData({ category: dataset(e).code }); },
  onText(e) { this.setData({ text: e.detail.value }); },
  onBuilding(e) {
    const id = Number(dataset(e).id);
    this.setData({ buildingId: this.data.buildingId === id ? null : id });
  },
  onAnonymous(e) { this.setData({ anonymous: Boolean(e.detail.value) }); },

  onLocate() {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => this.setData({
        point: { lat: Number(res.latitude.toFixed(6)), lng: Number(res.longitude.toFixed(6)) },
      }),
      fail: () => wx.showToast({ title: '无法获取位置，请选择楼栋', icon: 'none' }),
    });
  },

  onClearPoint() { this.setData({ point: null }); },

  async onAddPhoto() {
    const room = MAX_PHOTOS - this.data.photos.length;
    if (room <= 0) return;
    try {
      const paths = await choosePhotos(room);
      this.setData({ photos: this.data.photos.concat(paths.map((path) => ({ path }))) });
    } catch (e) {
      showError(e);
    }
  },

  onRemovePhoto(e) {
    const index = Number(dataset(e).index);
    this.setData({ photos: this.data.photos.filter((_, i) => i !== index) });
  },

  check() {
    if (!this.data.category) return '请选择问题类别';
    if (this.data.text.trim().length < 2) return '请描述遇到的问题';
    if (!this.data.buildingId && !this.data.point) return '请选择楼栋或使用当前位置';
    return '';
  },

  async onSubmit() {
    if (this.data.submitting) return;
    const problem = this.check();
    if (problem) {
      this.setData({ formError: problem });
      return;
    }
    this.key = this.key || http.newIdempotencyKey();
    this.setData({ submitting: true, formError: '' });
    try {
      const photos = await uploadAll(this.data.photos);
      this.setData({ photos });
      const { point } = this.data;
      const created = await feedback.create({
        communityId: this.communityId,
        category: this.data.category,
        text: this.data.text.trim(),
        buildingId: this.data.buildingId,
        lat: point ? point.lat : undefined,
        lng: point ? point.lng : undefined,
        photoIds: photos.map((p) => p.id),
        anonymous: this.data.anonymous,
        idempotencyKey: this.key,
      });
      this.key = null;
      showOk('已提交');
      wx.redirectTo({ url: `/packages/feedback/detail/index?id=${created.id}` });
    } catch (e) {
      if (e.status >= 400 && e.status < 500) this.key = null; // a definite refusal
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ submitting: false });
    }
  },
}));
