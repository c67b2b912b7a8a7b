/** 我的商品: the merchant's items (published or not) with stock; publish, take down, restock. */
const shop = require('../services/shop');
const session = require('../../../utils/session');
const { createPager, emptyList } = require('../../../utils/pager');
const { basePage, showError, showOk, dataset } = require('../../../utils/ui');
const { MALL_KINDS, label } = require('../../../utils/status');

Page(basePage({
  data: { list: emptyList(), editing: 0, stock: '', formError: '', busy: 0 },

  onLoad() {
    this.pager = createPager(this, 'list', async (page) => {
      const user = session.cachedUser() || await session.refreshUser();
      const scope = session.scopeOf(user, 'merchant');
      return shop.items(scope && scope.merchant_id, page);
    }, { decorate: (it) => ({ ...it, kindLabel: label(MALL_KINDS, it.kind) }) });
  },

  onShow() { this.pager.reload(); },
  onPullDownRefresh() { this.pager.reload().then(() => wx.stopPullDownRefresh()); },
  onReachBottom() { this.pager.more(); },
  onMore() { this.pager.more(); },
  onRetry() { this.pager.retry(); },

  async change(id, changes, okText) {
    if (this.data.busy) return;
    this.setData({ busy: id });
    try {
      const saved = await shop.updateItem(id, changes);
      const index = this.data.list.items.findIndex((x) => x.id === id);
      this.setData({ [`list.items[${index}]`]: { ...saved, kindLabel: label(MALL_KINDS, saved.kind) }, editing: 0 });
      showOk(okText);
    } catch (e) {
      this.setData({ formError: showError(e) });
    } finally {
      this.setData({ busy: 0 });
    }
  },

  onPublish(e) {
    const id = Number(dataset(e).id);
    const item = this.data.list.items.find((x) => x.id === id);
    return this.change(id, { published: !item.published }, item.published ? '已下架' : '已上架');
  },

  onEditStock(e) {
    const id = Number(dataset(e).id);
    const item = this.data.list.items.find((x) => x.id === id);
    this.setData({ editing: id, stock: String(item.stock), formError: '' });
  },
  onStock(e) { this.setData({ stock: e.detail.value, formError: '' }); },
  onCancelStock() { this.setData({ editing: 0 }); },

  onSaveStock() {
    const stock = Number(this.data.stock);
    if (!Number.isInteger(stock) || stock < 0) {
      this.setData({ formError: '库存须为不小于 0 的整数' });
      return undefined;
    }
    return this.change(this.data.editing, { stock }, '已保存');
  },
}));
