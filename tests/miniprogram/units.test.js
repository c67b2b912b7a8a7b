/** utils: the pager's list states, status labels, and reading a check-in QR. */
const path = require('path');

const MP = path.resolve(__dirname, '..', '..', 'miniprogram');
const { createPager } = require(path.join(MP, 'utils/pager'));
const status = require(path.join(MP, 'utils/status'));
const { codeFromQr } = require(path.join(MP, 'services/volunteering'));
const { voucherCode } = require(path.join(MP, 'services/timebank'));
const { ApiError } = require(path.join(MP, 'utils/errors'));

function fakePage(key) {
  return {
    data: { [key]: { items: [], state: 'loading', error: '' } },
    setData(patch) { Object.assign(this.data, patch); },
  };
}

describe('pager', () => {
  test('goes loading → ready → noMore across pages, passing the cursor', async () => {
    const page = fakePage('list');
    const fetch = jest.fn()
      .mockResolvedValueOnce({ items: [{ id: 1 }], next_cursor: 'c1' })
      .mockResolvedValueOnce({ items: [{ id: 2 }], next_cursor: null });
    const pager = createPager(page, 'list', fetch, { limit: 1 });
    const first = pager.reload();
    expect(page.data.list.state).toBe('loading');
    await first;
    expect(page.data.list).toEqual({ items: [{ id: 1 }], state: 'ready', error: '' });
    await pager.more();
    expect(fetch).toHaveBeenLastCalledWith({ cursor: 'c1', limit: 1 });
    expect(page.data.list).toEqual({ items: [{ id: 1 }, { id: 2 }], state: 'noMore', error: '' });
    await pager.more();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test('an empty first page is "empty"; a failure keeps the items and the message', async () => {
    const page = fakePage('list');
    const fetch = jest.fn()
      .mockResolvedValueOnce({ items: [], next_cursor: null })
      .mockResolvedValueOnce({ items: [{ id: 1 }], next_cursor: 'c1' })
      .mockRejectedValueOnce(new ApiError('timeout', '请求超时，请检查网络后重试'))
      .mockResolvedValueOnce({ items: [{ id: 2 }], next_cursor: null });
    const pager = createPager(page, 'list', fetch);
    await pager.reload();
    expect(page.data.list.state).toBe('empty');
    await pager.reload();
    await pager.more();
    expect(page.data.list).toEqual({ items: [{ id: 1 }], state: 'error', error: '请求超时，请检查网络后重试' });
    await pager.retry();
    expect(fetch).toHaveBeenLastCalledWith({ cursor: 'c1', limit: 20 });
    expect(page.data.list.items).toEqual([{ id: 1 }, { id: 2 }]);
  });

  test('an answer to an outdated reload is ignored', async () => {
    const page = fakePage('list');
    let slow;
    const fetch = jest.fn()
      .mockReturnValueOnce(new Promise((r) => { slow = r; }))
      .mockResolvedValueOnce({ items: [{ id: 'new' }], next_cursor: null });
    const pager = createPager(page, 'list', fetch);
    const old = pager.reload();
    await pager.reload();
    slow({ items: [{ id: 'old' }], next_cursor: null });
    await old;
    expect(page.data.list.items).toEqual([{ id: 'new' }]);
  });
});

describe('status labels', () => {
  test('every request state of the API has a label', () => {
    ['submitted', 'dispatched', 'pooled', 'accepted', 'in_service', 'completed', 'confirmed', 'disputed', 'cancelled']
      .forEach((s) => expect(status.requestBadge(s).label).not.toBe(s));
    expect(status.requestBadge('unheard_of')).toEqual({ value: 'unheard_of', label: '未知', tone: 'default' });
  });
});

describe('check-in QR', () => {
  test("reads this shift's code, refuses another shift's, accepts a bare 6-digit code", () => {
    expect(codeFromQr('llt:checkin:7:123456', 7)).toBe('123456');
    expect(codeFromQr('llt:checkin:8:123456', 7)).toBe('');
    expect(codeFromQr(' 654321 ', 7)).toBe('654321');
    expect(codeFromQr('https://example.com', 7)).toBe('');
  });
});

describe('voucher QR', () => {
  test('the QR payload and the bare code give the same code', () => {
    expect(voucherCode('llt-voucher:K7Q2MX8PABCD2345')).toBe('K7Q2MX8PABCD2345');
    expect(voucherCode(' LLT-VOUCHER:k7q2mx8pabcd2345 ')).toBe('K7Q2MX8PABCD2345');
    expect(voucherCode('k7q2 mx8p abcd 2345')).toBe('K7Q2MX8PABCD2345');
    expect(voucherCode(undefined)).toBe('');
  });
});
