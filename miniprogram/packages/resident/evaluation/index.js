/**
 * 社区评议: score each party member, compound party organisation and partner of my community's
 * open campaign 1–5, with an optional comment. A score can be changed until the campaign closes; my own card (as a party
 * member or partner) cannot be scored. The API marks the targets that are mine (`own`); a party
 * organisation I hold a seat of is left out of the list altogether, with a line saying why.
 */
const evaluations = require('../services/evaluations');
const session = require('../../../utils/session');
const { basePage, showError, showOk, shortTime, dataset } = require('../../../utils/ui');
const { messageOf } = require('../../../utils/errors');
const { evaluationBadge, EVALUATION_TARGET_KINDS, label } = require('../../../utils/status');

const STARS = [1, 2, 3, 4, 5];

Page(basePage({
  data: {
    state: 'loading', error: '', campaigns: [], campaign: null, badge: null, targets: [],
    stars: STARS, busy: 0, hiddenOwn: 0,
  },

  onLoad() { this.load(); },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    this.setData({ state: 'loading', error: '' });
    try {
      const user = session.cachedUser() || await session.refreshUser();
      this.user = user;
      const home = (user.households || []).find((h) => h.status === 'approved');
      if (!home) {
        this.setData({ state: 'empty', error: '', campaigns: [], campaign: null, targets: [] });
        return;
      }
      const res = await evaluations.list(home.community_id, { limit: 20 });
      const campaigns = res.items || [];
      const chosen = campaigns.find((c) => c.status === 'open') || campaigns[0];
      this.setData({ campaigns });
      if (!chosen) {
        this.setData({ state: 'empty', campaign: null, targets: [] });
        return;
      }
      await this.open(chosen.id);
    } catch (e) {
      this.setData({ state: 'error', error: messageOf(e) });
    }
  },

  async open(id) {
    const campaign = await evaluations.get(id);
    const mine = {};
    (campaign.my_scores || []).forEach((s) => { mine[s.target_id] = s; });
    const own = (t) => t.own === true || (t.kind === 'party_member' && t.ref_id === this.user.id)
      || (t.kind === 'partner' && (this.user.roles || []).some(
        (r) => r.role === 'partner_member' && r.partner_id === t.ref_id));
    // Holders of a seat do not evaluate their own organisation: it is not offered at all.
    const ownOrg = (t) => t.kind === 'compound_party_org' && own(t);
    const shown = campaign.targets.filter((t) => !ownOrg(t));
    this.setData({
      hiddenOwn: campaign.targets.length - shown.length,
      state: 'ready',
      campaign: { ...campaign, until: shortTime(campaign.closes_at) },
      badge: evaluationBadge(campaign.status),
      targets: shown.map((t) => ({
        ...t,
        kindLabel: label(EVALUATION_TARGET_KINDS, t.kind),
        self: own(t),
        score: mine[t.id] ? mine[t.id].score : 0,
        comment: mine[t.id] ? mine[t.id].comment : '',
        saved: Boolean(mine[t.id]),
      })),
    });
  },

  async onCampaign(e) {
    try {
      await this.open(Number(dataset(e).id));
    } catch (err) {
      showError(err);
    }
  },

  onStar(e) {
    const { index, score } = dataset(e);
    this.setData({ [`targets[${index}].score`]: Number(score) });
  },

  onComment(e) {
    this.setData({ [`targets[${dataset(e).index}].comment`]: e.detail.value });
  },

  async onSubmit(e) {
    const index = Number(dataset(e).index);
    const target = this.data.targets[index];
    if (!target.score) {
      wx.showToast({ title: '请先选择 1-5 分', icon: 'none' });
      return;
    }
    if (this.data.busy) return;
    this.setData({ busy: target.id });
    try {
      await evaluations.score(this.data.campaign.id, {
        targetId: target.id, score: target.score, comment: target.comment.trim(),
      });
      this.setData({ [`targets[${index}].saved`]: true });
      showOk('已评分'); // the card says it can be changed until the close
    } catch (err) {
      showError(err);
    } finally {
      this.setData({ busy: 0 });
    }
  },
}));
