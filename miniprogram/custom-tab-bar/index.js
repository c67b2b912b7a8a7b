/**
 * The tab bar, drawn by us so each tab has an icon beside its word and grows in large type
 * (适老化). Tab pages tell it which tab is theirs and whether large type is on (utils/ui basePage).
 */
const TABS = [
  { path: 'pages/home/index', text: '首页', icon: '🏠' },
  { path: 'pages/services/index', text: '服务', icon: '🧰' },
  { path: 'pages/points/index', text: '积分', icon: '💰' },
  { path: 'pages/mine/index', text: '我的', icon: '👤' },
];

Component({
  data: { tabs: TABS, selected: 0, elder: false },
  methods: {
    onTab(e) {
      const index = Number(e.currentTarget.dataset.index);
      wx.switchTab({ url: `/${TABS[index].path}` });
      this.setData({ selected: index });
    },
  },
});

module.exports = { TABS };
