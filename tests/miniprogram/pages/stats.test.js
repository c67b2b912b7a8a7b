/**
 * 数据统计 (staff) with the stats service mocked: the summary of my community for a period (a
 * null figure shows its reason, never 0; minutes in hours and minutes; disputes against a year
 * earlier), the monthly charts drawn with uCharts from the staff subpackage's own
 * miniprogram_npm, the periods as Asia/Shanghai dates, an admin's community pick, errors, and the
 * entry on the staff workbench.
 */
const stats = require('../../../miniprogram/packages/staff/services/stats');
const review = require('../../../miniprogram/packages/staff/services/review');
const chart = require('../../../miniprogram/packages/staff/stats/chart');
const figures = require('../../../miniprogram/packages/staff/stats/figures');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { packageSizes } = require('../../../miniprogram/scripts/package-size');
const { MP_ROOT, resetAll, loadPage, flush, fire, text, all, tap, listState, page } = require('../helpers/page');

jest.mock('../../../miniprogram/packages/staff/services/stats');
jest.mock('../../../miniprogram/packages/staff/services/review');
jest.mock('../../../miniprogram/packages/staff/stats/chart', () => {
  const real = jest.requireActual('../../../miniprogram/packages/staff/stats/chart');
  return { ...real, draw: jest.fn() };
});

const STAFF = { id: 2, nickname: '观湖社工小李', roles: [{ role: 'resident' }, { role: 'staff', community_id: 1 }], households: [] };
const ADMIN = { id: 1, nickname: '平台管理员', roles: [{ role: 'resident' }, { role: 'admin' }], households: [] };
// 2026-12-02 03:00 UTC is 11:00 on 2 December in Shanghai.
const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);

const SUMMARY = {
  scope: { kind: 'community', id: 1, name: '观湖社区' },
  from: '2026-01-01',
  to: '2026-12-02',
  figures: {
    services_done: 812, households_served: 356, problems_solved: 0, disputes: 14,
    disputes_change_yoy: -39.1, volunteer_minutes_verified: 12345, volunteer_minutes_manual: 45,
    activities_held: 96, points_issued: 25000, points_redeemed: 18000, points_outstanding: 7000,
    party_members_registered: 230, consultations_passed: 3, elevators_in_service: null,
    projects_done: 12,
  },
  unavailable: { elevators_in_service: '加装电梯的记录尚未建立' },
};
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const series = (values) => ({ items: MONTHS.map((month, i) => ({ month, value: values[i] })) });

function answer({ summary = SUMMARY, minutes = series([600, 90, null]) } = {}) {
  stats.summary.mockResolvedValue(summary);
  stats.series.mockImplementation(async (metric) => {
    if (metric === 'services_done') return { metric, ...series([70, 65, 80]) };
    if (metric === 'volunteer_minutes_verified') {
      if (minutes instanceof Error) throw minutes;
      return { metric, ...minutes };
    }
    return { metric, ...series([null, null, null]) };
  });
}

/** "label | value" (or "label | reason") of one figure row. */
const figureText = (p, name) => [text(p, `.figure-${name} .figure-label`),
  text(p, `.figure-${name} .figure-value`) || text(p, `.figure-${name} .figure-reason`)].join(' | ');

beforeEach(() => {
  resetAll();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  chart.draw.mockResolvedValue({});
  wx.setStorageSync('user', STAFF);
});

afterEach(() => {
  Date.now.mockRestore();
});

describe('数据统计', () => {
  test('the summary of my community: a null figure shows its reason, minutes read as hours', async () => {
    answer();
    const p = loadPage('packages/staff/stats/index');
    await flush();
    expect(stats.summary).toHaveBeenCalledWith({ communityId: 1, from: '2026-01-01', to: '2026-12-02' });
    expect(text(p, '.range')).toBe('观湖社区 2026-01-01 至 2026-12-02');
    expect(figureText(p, 'services_done')).toBe('完成服务 | 812单');
    expect(figureText(p, 'problems_solved')).toBe('解决问题 | 0件'); // a real 0 stays 0
    expect(figureText(p, 'volunteer_minutes_verified')).toBe('志愿服务时长（核验） | 205小时45分钟');
    expect(figureText(p, 'volunteer_minutes_manual')).toBe('志愿服务时长（补录） | 45分钟');
    expect(figureText(p, 'disputes_change_yoy')).toBe('纠纷同比 | 比去年同期下降 39.1%');
    expect(figureText(p, 'points_outstanding')).toBe('未兑换积分 | 7000分');
    // Unavailable: the reason, not a number.
    expect(figureText(p, 'elevators_in_service')).toBe('加装电梯投用 | 加装电梯的记录尚未建立');
    expect(p.querySelector('.figure-elevators_in_service .figure-value')).toBeFalsy();
    expect(all(p, '.figure')).toHaveLength(15);
    expect(all(p, '.section-title').map((t) => t.dom.textContent)).toEqual(
      ['为民服务', '社情民意与调解', '志愿服务', '时间银行积分', '党建与治理', '月度趋势']);
  }, 60000); // the first page of a file waits for wcc to compile the project

  test('monthly charts: services, volunteer hours and problems solved, drawn with uCharts', async () => {
    answer();
    const p = loadPage('packages/staff/stats/index');
    await flush();
    expect(stats.series.mock.calls.map((c) => c[0])).toEqual(
      ['services_done', 'volunteer_minutes_verified', 'problems_solved']);
    expect(stats.series).toHaveBeenCalledWith('services_done', { communityId: 1, from: '2026-01-01', to: '2026-12-02' });
    expect(chart.draw).toHaveBeenCalledTimes(2);
    const [services, hours] = chart.draw.mock.calls;
    expect(services[1]).toBe('#chart-0');
    expect(services[2]).toMatchObject({ type: 'column', categories: ['2026年1月', '2月', '3月'], data: [70, 65, 80] });
    expect(hours[2]).toMatchObject({ title: '每月志愿服务时长（小时）', data: [10, 1.5, null] });
    // A chart with no month of data says so instead of drawing an empty axis.
    expect(text(p, '.chart-problems_solved .chart-empty')).toBe('这段时间暂无数据');
    expect(p.querySelector('.chart-problems_solved .chart')).toBeFalsy();
    expect(all(p, '.chart')).toHaveLength(2);
  });

  test('a failed series says so in its card; the rest of the page stays', async () => {
    answer({ minutes: new ApiError('server_error', '服务暂时不可用', 500) });
    const p = loadPage('packages/staff/stats/index');
    await flush();
    expect(text(p, '.chart-volunteer_minutes_verified .chart-error')).toBe('服务暂时不可用');
    expect(figureText(p, 'services_done')).toBe('完成服务 | 812单');
    expect(chart.draw).toHaveBeenCalledTimes(1);
    chart.draw.mockRejectedValueOnce(new Error('no canvas'));
    await tap(p, '.period-month');
    expect(text(p, '.chart-services_done .chart-error')).toBe('图表加载失败');
  });

  test('periods are Shanghai dates with `to` inclusive: this month, last month, this year', async () => {
    answer();
    const p = loadPage('packages/staff/stats/index');
    await flush();
    await tap(p, '.period-month');
    expect(stats.summary).toHaveBeenLastCalledWith({ communityId: 1, from: '2026-12-01', to: '2026-12-02' });
    await tap(p, '.period-last');
    expect(stats.summary).toHaveBeenLastCalledWith({ communityId: 1, from: '2026-11-01', to: '2026-11-30' });
    await tap(p, '.period-ytd');
    expect(stats.summary).toHaveBeenLastCalledWith({ communityId: 1, from: '2026-01-01', to: '2026-12-02' });
    expect(text(p, '.period.on')).toBe('今年以来');
    // 31 December 20:00 UTC is already 1 January in Shanghai.
    expect(figures.periodOf('month', Date.UTC(2026, 11, 31, 20))).toEqual({ from: '2027-01-01', to: '2027-01-01' });
    expect(figures.periodOf('last', Date.UTC(2026, 11, 31, 20))).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(figures.periodOf('year', Date.UTC(2026, 11, 31, 20))).toEqual({ from: '2026-02-01', to: '2027-01-01' });
  });

  test('pull to refresh loads again; a failed summary shows the error and retries', async () => {
    stats.summary.mockRejectedValueOnce(new ApiError('forbidden', '没有权限执行此操作', 403));
    stats.series.mockResolvedValue({ items: [] });
    const p = loadPage('packages/staff/stats/index');
    await flush();
    expect(listState(p, '.stats-state')).toContain('没有权限执行此操作');
    expect(p.querySelector('.figure')).toBeFalsy();
    answer();
    await p.instance.onPullDownRefresh();
    await flush();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(figureText(p, 'disputes')).toBe('矛盾纠纷 | 14件');
  });

  test("an admin picks the community first, and the page loads that community's figures", async () => {
    wx.setStorageSync('user', ADMIN);
    review.communities.mockResolvedValue(page([{ id: 1, name: '观湖社区' }, { id: 2, name: '昌达街社区' }]));
    answer({ summary: { ...SUMMARY, scope: { kind: 'community', id: 2, name: '昌达街社区' } } });
    const p = loadPage('packages/staff/stats/index');
    await flush();
    expect(stats.summary).not.toHaveBeenCalled();
    await fire(p.querySelector('.picker-host').querySelector('.community-pick'), 'change', { value: 1 });
    await flush();
    expect(stats.summary).toHaveBeenCalledWith(expect.objectContaining({ communityId: 2 }));
    expect(text(p, '.range')).toContain('昌达街社区');
  });

  test("the staff workbench opens it", async () => {
    wx.setStorageSync('activeRole', 'staff');
    const services = loadPage('pages/services/index');
    await flush();
    const entries = all(services, '.entry');
    const index = entries.findIndex((e) => e.dom.textContent.includes('数据统计'));
    expect(index).toBeGreaterThanOrEqual(0);
    await tap(services, '.entry', index);
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/staff/stats/index' });
  });
});

describe('figures and charts', () => {
  test('minutes in hours and minutes, the change in words', () => {
    expect(figures.hoursAndMinutes(0)).toBe('0分钟');
    expect(figures.hoursAndMinutes(120)).toBe('2小时');
    expect(figures.hoursAndMinutes(61)).toBe('1小时1分钟');
    expect(figures.percentChange(12.34)).toBe('比去年同期上升 12.3%');
    expect(figures.percentChange(0)).toBe('与去年同期持平');
    // A reason in English (a code) is not shown as it is.
    expect(figures.figure('projects_done', '个', { figures: { projects_done: null }, unavailable: { projects_done: 'no_domain' } }))
      .toMatchObject({ text: '', reason: '暂无法统计' });
  });

  test('uCharts from the staff miniprogram_npm draws the months on the canvas', async () => {
    Date.now.mockRestore(); // uCharts times its drawing with the clock
    jest.spyOn(Date, 'now'); // (afterEach restores it)
    const { draw } = jest.requireActual('../../../miniprogram/packages/staff/stats/chart');
    const drawn = [];
    const context = new Proxy({}, {
      get(target, key) {
        if (key in target) return target[key];
        if (key === 'measureText') return (s) => ({ width: String(s).length * 7 });
        return (...args) => { if (key === 'fillText') drawn.push(args[0]); };
      },
      set(target, key, value) { target[key] = value; return true; },
    });
    const canvas = { getContext: () => context };
    const fakePage = {
      createSelectorQuery: () => ({
        select: (selector) => ({
          fields: () => ({ exec: (cb) => cb(selector === '#c' ? [{ node: canvas, width: 300, height: 200 }] : [null]) }),
        }),
      }),
    };
    wx.getWindowInfo = () => ({ pixelRatio: 2 });
    const spec = { type: 'column', title: '每月完成服务（单）', categories: ['2026年1月', '2月', '3月'], data: [70, 65, 80] };
    await draw(fakePage, '#c', spec);
    expect(canvas.width).toBe(600);
    expect(canvas.height).toBe(400);
    // uCharts draws on its next animation frame (a timer).
    for (let i = 0; i < 50 && !drawn.length; i += 1) {
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => { setTimeout(resolve, 20); });
    }
    expect(drawn).toEqual(expect.arrayContaining(['2026年1月', '2月', '3月']));
    await expect(draw(fakePage, '#missing', spec)).rejects.toThrow('no canvas');
  });

  test('uCharts is packed into the staff subpackage, not the main package', () => {
    const { files } = packageSizes(MP_ROOT);
    expect(files.staff).toEqual(expect.arrayContaining([
      'packages/staff/stats/index.js', 'packages/staff/stats/chart.js',
      'packages/staff/miniprogram_npm/@qiun/ucharts/index.js']));
    expect(files.main.filter((f) => /ucharts|packages\/staff/.test(f))).toEqual([]);
  });
});
