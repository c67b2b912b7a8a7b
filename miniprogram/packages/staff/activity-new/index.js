/**
 * 新建活动 / 加班次 (staff): an activity with its first shift, or one more shift for an activity
 * (`activity_id`). The place is picked on WeChat's map (wx.chooseLocation, GCJ-02 — the system
 * the check-in geofence uses), never typed as numbers.
 */
const manage = require('../services/manage');
const privacy = require('../../../utils/privacy');
const { basePage, showError, showOk } = require('../../../utils/ui');

function today() {
  const d = new Date(Date.now() + 8 * 3600 * 1000); // Asia/Shanghai
  return d.toISOString().slice(0, 10);
}

Page(basePage({
  data: {
    activityId: 0, activityTitle: '', title: '', description: '',
    shift: {
      date: '', start: '09:00', end: '11:00', capacity: '10', pointsPerHour: '10', radius: '200',
      codeRequired: true, place: null,
    },
    today: '', formError: '', busy: false,
  },

  onLoad(query) {
    this.communityId = Number(query.community_id);
    const activityId = Number(query.activity_id) || 0;
    this.setData({
      activityId, activityTitle: query.title ? decodeURIComponent(query.title) : '', today: today(),
      'shift.date': today(),
    });
    if (activityId) wx.setNavigationBarTitle({ title: '加班次' });
  },

  onInput(e) { this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' }); },
  onPick(e) { this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' }); },
  onCode(e) { this.setData({ 'shift.codeRequired': Boolean(e.detail.value) }); },

  async onPlace() {
    try {
      const place = await privacy.choosePlace(this.data.shift.place);
      if (place) this.setData({ 'shift.place': { ...place, name: place.name || place.address || '服务地点' }, formError: '' });
    } catch (e) {
      this.setData({ formError: showError(e) });
    }
  },

  check() {
    const { shift } = this.data;
    if (!this.data.activityId && this.data.title.trim().length < 2) return '请填写活动名称';
    if (!shift.date) return '请选择日期';
    if (shift.end <= shift.start) return '结束时间须晚于开始时间';
    const capacity = Number(shift.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1000) return '名额须为 1-1000 的整数';
    const points = Number(shift.pointsPerHour);
    if (!Number.isInteger(points) || points < 0 || points > 1000) return '每小时积分须为 0-1000 的整数';
    const radius = Number(shift.radius);
    if (!Number.isInteger(radius) || radius < 10 || radius > 5000) return '签到范围须为 10-5000 米';
    if (!shift.place) return '请在地图上选择服务地点';
    return '';
  },

  async onSubmit() {
    if (this.data.busy) return;
    const problem = this.check();
    if (problem) {
      this.setData({ formError: problem });
      return;
    }
    this.setData({ busy: true, formError: '' });
    try {
      if (this.data.activityId) {
        await manage.addShift(this.data.activityId, this.data.shift);
      } else {
        await manage.createActivity({
          communityId: this.communityId, title: this.data.title.trim(),
          description: this.data.description.trim(), shift: this.data.shift,
        });
      }
      showOk('已创建');
      wx.navigateBack();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));
