/** Merchant: write-off history and the merchant's own items, with stubbed services. */
const shop = require('../../../miniprogram/packages/merchant/services/shop');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, text, all, tap, input, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/merchant/services/shop');

const MERCHANT = { id: 20, nickname: '观湖超市老板', roles: [{ role: 'resident' }, { role: 'merchant', merchant_id: 3 }], households: [] };
const ITEM = (over) => ({ id: 5, title: '洗洁精一瓶', kind: 'goods', price_points: 10, stock: 4, published: true, ...over });

beforeEach(() => {
  resetAll();
  wx.setStorageSync('user', MERCHANT);
});

test('write-off history: my merchant\'s used vouchers, buyer masked', async () => {
  shop.writeoffs.mockResolvedValue(page([
    { id: 9, item: { title: '洗洁精一瓶' }, price_points: 10, buyer: { id: 11, nickname: '张*' }, used_at: '2026-11-27T10:05:00+08:00', status: 'used' },
  ]));
  const sales = loadPage('packages/merchant/sales/index');
  await flush();
  expect(shop.writeoffs).toHaveBeenCalledWith(3, { cursor: undefined, limit: 20 });
  expect(text(sales, '.sale')).toContain('张* · 核销于 11-27 10:05');
  expect(listState(sales, '.list-state')).toBe('没有更多了');
});

test('an empty history says so', async () => {
  shop.writeoffs.mockResolvedValue(page([]));
  const sales = loadPage('packages/merchant/sales/index');
  await flush();
  expect(listState(sales, '.list-state')).toBe('还没有核销记录');
});

test('my items, published or not: take one down, restock another', async () => {
  shop.items.mockResolvedValue(page([ITEM(), ITEM({ id: 6, title: '理发券', kind: 'service', published: false, stock: 0 })]));
  shop.updateItem.mockResolvedValueOnce(ITEM({ published: false }));
  const items = loadPage('packages/merchant/items/index');
  await flush();
  expect(shop.items).toHaveBeenCalledWith(3, { cursor: undefined, limit: 20 });
  expect(all(items, '.item-state').map((s) => s.dom.textContent)).toEqual(['已上架', '未上架']);
  expect(text(items, '.shop-item')).toContain('实物');
  await tap(items, '.publish', 0);
  expect(shop.updateItem).toHaveBeenCalledWith(5, { published: false });
  expect(all(items, '.item-state')[0].dom.textContent).toBe('未上架');

  await tap(items, '.edit-stock', 1);
  await input(items, '.stock', '-1');
  await tap(items, '.save-stock');
  expect(text(items, '.form-error')).toBe('库存须为不小于 0 的整数');
  shop.updateItem.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
  await input(items, '.stock', '20');
  await tap(items, '.save-stock');
  expect(shop.updateItem).toHaveBeenLastCalledWith(6, { stock: 20 });
  expect(text(items, '.form-error')).toBe('没有权限执行此操作');
});
