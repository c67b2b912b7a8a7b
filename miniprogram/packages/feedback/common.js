/**
 * What the 社情民意 pages share: the deadline clock in words, a report decorated for display,
 * and a list of photos being chosen and uploaded.
 */
const { shortTime } = require('../../utils/ui');
const { fileSrc } = require('./services/upload');
const { feedbackBadge, FEEDBACK_CLOCK } = require('../../utils/status');

const MAX_PHOTOS = 9;

/** 93784 → "1天2小时", 7200 → "2小时", 600 → "10分钟". */
function duration(seconds) {
  const s = Math.abs(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  if (days) return hours ? `${days}天${hours}小时` : `${days}天`;
  if (hours) return `${hours}小时`;
  return `${Math.max(1, Math.floor(s / 60))}分钟`;
}

/** The clock as a sentence: what it waits for, by when, and how long is left (or over). */
function clockText(clock) {
  if (!clock) return '';
  const step = FEEDBACK_CLOCK[clock.step] || clock.step;
  const due = shortTime(clock.due_at);
  if (clock.overdue) return `已超时 ${duration(clock.seconds_left)}（应于 ${due} 前${step}）`;
  return `还剩 ${duration(clock.seconds_left)}${step}（${due} 前）`;
}

function place(report) {
  if (report.building) return `${report.building.compound}${report.building.name}`;
  if (report.lat !== null && report.lat !== undefined) return '地图位置';
  return '';
}

function decorate(report) {
  return {
    ...report,
    badge: feedbackBadge(report.status),
    when: shortTime(report.created_at),
    reopenUntil: shortTime(report.reopen_until),
    clockText: clockText(report.clock),
    clockOverdue: Boolean(report.clock && report.clock.overdue),
    place: place(report),
    canAccept: (report.actions || []).includes('accept'),
    photos: (report.photos || []).map((p) => ({ ...p, src: fileSrc(p.url) })),
    resolution: report.resolution ? {
      ...report.resolution,
      when: shortTime(report.resolution.at),
      photos: (report.resolution.photos || []).map((p) => ({ ...p, src: fileSrc(p.url) })),
    } : null,
  };
}

module.exports = { MAX_PHOTOS, duration, clockText, decorate };
