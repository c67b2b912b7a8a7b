/** Money is integers of fen (分) in the API; people read and type yuan (元). */

/** 123456 → "1,234.56"; negative amounts keep their sign. */
function yuan(fen) {
  const n = Number(fen) || 0;
  const abs = Math.abs(n);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${n < 0 ? '-' : ''}${whole}.${cents}`;
}

/**
 * "1234.5" → 123450, read as text so that no floating-point rounding can change an amount;
 * null for anything that is not a positive amount with at most two decimals.
 */
function toFen(text) {
  const m = /^\s*(\d{1,10})(?:\.(\d{1,2}))?\s*$/.exec(String(text || ''));
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}

module.exports = { yuan, toFen };
