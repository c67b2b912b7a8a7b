/**
 * 会议详情 (staff): the agenda; once held, the minutes with who attended (once), and each
 * resolution turned into a project with its owner and due date.
 */
const projects = require('../services/projects');
const http = require('../../../utils/request');
const { basePage, showError, showOk, shortTime, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { projectBadge } = require('../../../utils/status');

function inDays(days) {
  return new Date(Date.now() + 8 * 3600 * 1000 + days * 86400 * 1000).toISOString().slice(0, 10);
}

Page(basePage({
  /** Pull down: load the page again. */
  onPullDownRefresh() {
    Promise.resolve(this.onLoad(this.options || {})).finally(() => wx.stopPullDownRefresh());
  },

  data: {
    state: 'loading', error: '', meeting: null, members: [], attended: {}, minutes: '',
    resolution: '', ownerIndex: -1, dueOn: inDays(30), formError: '', busy: false,
  },

  onLoad(query) {
    this.meetingId = Number(query.id);
    this.key = http.newIdempotencyKey();
    this.load();
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const meeting = await projects.meeting(this.meetingId);
      const members = await projects.members(meeting.community_id);
      this.setData({
        state: 'ready',
        meeting: {
          ...meeting, when: shortTime(meeting.held_at),
          attendeeNames: meeting.attendees.map((a) => a.name).join('、'),
          projects: meeting.projects.map((p) => ({ ...p, badge: projectBadge(p.status) })),
        },
        members: members.items.map((m) => ({ ...m, label: `${m.name}（${m.unit}）` })),
      });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onAttend(e) {
    const id = Number(dataset(e).id);
    this.setData({ [`attended.${id}`]: !this.data.attended[id] });
  },
  onMinutes(e) { this.setData({ minutes: e.detail.value }); },
  onResolution(e) { this.key = http.newIdempotencyKey(); this.setData({ resolution: e.detail.value }); },
  onOwner(e) { this.key = http.newIdempotencyKey(); this.setData({ ownerIndex: Number(e.detail.value) }); },
  onDue(e) { this.key = http.newIdempotencyKey(); this.setData({ dueOn: e.detail.value }); },

  async run(action, done) {
    if (this.data.busy) return;
    this.setData({ busy: true, formError: '' });
    try {
      await action();
      showOk(done);
      await this.load();
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },

  onSaveMinutes() {
    const text = this.data.minutes.trim();
    const attendeeIds = this.data.members.filter((m) => this.data.attended[m.id]).map((m) => m.id);
    if (!text) {
      this.setData({ formError: '请填写会议纪要' });
      return undefined;
    }
    if (!attendeeIds.length) {
      this.setData({ formError: '请勾选出席的成员' });
      return undefined;
    }
    return this.run(() => projects.minutes(this.meetingId, { text, attendeeIds }), '纪要已保存');
  },

  onResolve() {
    const title = this.data.resolution.trim();
    if (!title || this.data.ownerIndex < 0) {
      this.setData({ formError: '请填写决议事项并选择责任人' });
      return undefined;
    }
    const owner = this.data.members[this.data.ownerIndex];
    return this.run(async () => {
      await projects.resolve(this.meetingId, { title, ownerMemberId: owner.id, dueOn: this.data.dueOn }, this.key);
      this.key = http.newIdempotencyKey();
      this.setData({ resolution: '', ownerIndex: -1 });
    }, '已转为项目');
  },

  onProject(e) {
    wx.navigateTo({ url: `/packages/governance/project/index?id=${dataset(e).id}` });
  },
}));
