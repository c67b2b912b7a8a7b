/**
 * 党员邻居: the households I am paired with (full address, as the visiting member), their visits,
 * and recording a visit (date, time spent, what was done). Visits count in my quarterly summary.
 */
const together = require('../services/together');
const { basePage, showError, showOk, dataset, shortTime } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');

function today() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

Page(basePage({
  data: { pairings: [], state: 'loading', error: '', form: null, busy: false, today: '' },

  onShow() {
    this.setData({ today: today() });
    this.load();
  },
  onPullDownRefresh() { this.load().then(() => wx.stopPullDownRefresh()); },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const res = await together.pairings({ limit: 50 });
      const live = (res.items || []).filter((p) => !p.ended_at);
      const pairings = await Promise.all(live.map(async (p) => {
        const [detail, visits] = await Promise.all([together.pairing(p.id), together.visits(p.id)]);
        return {
          ...p, address: detail.address,
          visits: (visits.items || []).map((v) => ({ ...v, when: shortTime(v.visited_at) })),
        };
      }));
      this.setData({ pairings, state: pairings.length ? '' : 'empty' });
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  onOpenForm(e) {
    this.setData({ form: { pairingId: Number(dataset(e).id), date: today(), time: '10:00', minutes: '30', note: '', error: '' } });
  },
  onCloseForm() { this.setData({ form: null }); },
  onForm(e) { this.setData({ [`form.${dataset(e).field}`]: e.detail.value, 'form.error': '' }); },

  async onSubmit() {
    const { form } = this.data;
    const minutes = Number(form.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
      this.setData({ 'form.error': '请填写走访时长（1-1440 分钟）' });
      return;
    }
    if (form.note.trim().length < 2) {
      this.setData({ 'form.error': '请简单记下走访情况' });
      return;
    }
    if (this.data.busy) return;
    this.setData({ busy: true });
    try {
      await together.logVisit(form.pairingId, {
        visitedAt: `${form.date}T${form.time}:00+08:00`, minutes, note: form.note.trim(),
      });
      showOk('已记录');
      this.setData({ form: null });
      await this.load();
    } catch (e) {
      this.setData({ 'form.error': showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));
