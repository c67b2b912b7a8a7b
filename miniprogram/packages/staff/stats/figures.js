/**
 * How the staff statistics page shows the figures of GET /stats/summary: groups, units, and
 * words for the values. Minutes read as hours and minutes; the year-on-year change of disputes
 * is a percentage (as the mediation figures give it: -39.0 means 39 % fewer); a null figure
 * shows the API's reason, never 0.
 */
const { STAT_FIGURES, label } = require('../../../utils/status');

const GROUPS = [
  { title: '为民服务', figures: [['services_done', '单'], ['households_served', '户']] },
  {
    title: '社情民意与调解',
    figures: [['problems_solved', '件'], ['disputes', '件'], ['disputes_change_yoy', 'percent']],
  },
  {
    title: '志愿服务',
    figures: [['volunteer_minutes_verified', 'minutes'], ['volunteer_minutes_manual', 'minutes'],
      ['activities_held', '场']],
  },
  {
    title: '时间银行积分',
    figures: [['points_issued', '分'], ['points_redeemed', '分'], ['points_outstanding', '分']],
  },
  {
    title: '党建与治理',
    figures: [['party_members_registered', '人'], ['consultations_passed', '项'],
      ['elevators_in_service', '部'], ['projects_done', '个']],
  },
];

/** The charts: a metric of GET /stats/series each, minutes drawn as hours. */
const CHARTS = [
  { metric: 'services_done', title: '每月完成服务（单）', type: 'column' },
  { metric: 'volunteer_minutes_verified', title: '每月志愿服务时长（小时）', type: 'column', hours: true },
  { metric: 'problems_solved', title: '每月解决问题（件）', type: 'line' },
];

const hasChinese = (s) => typeof s === 'string' && /[\u4e00-\u9fa5]/.test(s);

/** 0 → "0分钟", 45 → "45分钟", 120 → "2小时", 12345 → "205小时45分钟". */
function hoursAndMinutes(minutes) {
  const total = Math.max(0, Math.round(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return `${m}分钟`;
  return m ? `${h}小时${m}分钟` : `${h}小时`;
}

function percentChange(pct) {
  const rounded = Math.round(pct * 10) / 10;
  if (rounded === 0) return '与去年同期持平';
  return `比去年同期${rounded < 0 ? '下降' : '上升'} ${Math.abs(rounded)}%`;
}

/** One figure as shown: {name, label, text, reason}; `text` is '' when the value is null. */
function figure(name, unit, summary) {
  const value = (summary.figures || {})[name];
  const out = { name, label: label(STAT_FIGURES, name), text: '', reason: '' };
  if (value === null || value === undefined) {
    const reason = (summary.unavailable || {})[name];
    out.reason = hasChinese(reason) ? reason : '暂无法统计';
  } else if (unit === 'minutes') {
    out.text = hoursAndMinutes(value);
  } else if (unit === 'percent') {
    out.text = percentChange(value);
  } else {
    out.text = `${value}${unit}`;
  }
  return out;
}

function groupsOf(summary) {
  return GROUPS.map((g) => ({ title: g.title, items: g.figures.map(([n, unit]) => figure(n, unit, summary)) }));
}

/** A series as a chart wants it: month labels "11月" (with the year on January and the first
 * month), values (hours for minutes), and whether any month has a value. */
function chartData(chart, series) {
  const items = (series && series.items) || [];
  const categories = items.map((it, i) => {
    const [y, m] = it.month.split('-');
    return i === 0 || m === '01' ? `${y}年${Number(m)}月` : `${Number(m)}月`;
  });
  const data = items.map((it) => {
    if (it.value === null || it.value === undefined) return null;
    return chart.hours ? Math.round((it.value / 60) * 10) / 10 : it.value;
  });
  return { categories, data, empty: !data.some((v) => v !== null) };
}

const pad = (n) => String(n).padStart(2, '0');
const ymd = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;

/** {from, to} of a period, as Asia/Shanghai dates, for the instant `now` (ms). */
function periodOf(key, now = Date.now()) {
  const sh = new Date(now + 8 * 3600 * 1000); // its UTC fields are the Shanghai wall clock
  const y = sh.getUTCFullYear();
  const m = sh.getUTCMonth() + 1;
  const today = ymd(y, m, sh.getUTCDate());
  if (key === 'month') return { from: ymd(y, m, 1), to: today };
  if (key === 'ytd') return { from: ymd(y, 1, 1), to: today };
  if (key === 'last') {
    const ly = m === 1 ? y - 1 : y;
    const lm = m === 1 ? 12 : m - 1;
    const lastDay = new Date(Date.UTC(ly, lm, 0)).getUTCDate();
    return { from: ymd(ly, lm, 1), to: ymd(ly, lm, lastDay) };
  }
  // The past twelve months, this one included, from the first of the month.
  const first = new Date(Date.UTC(y, m - 12, 1));
  return { from: ymd(first.getUTCFullYear(), first.getUTCMonth() + 1, 1), to: today };
}

module.exports = {
  GROUPS, CHARTS, groupsOf, figure, chartData, hoursAndMinutes, percentChange, periodOf,
};
