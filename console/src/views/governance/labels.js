// Words for the governance APIs' values (mirrors miniprogram/utils/status.js).
export const FEEDBACK = { open: '待受理', accepted: '办理中', resolved: '已答复待评价', reopened: '重新办理',
  transferred: '已转街道', closed: '已办结', closed_unresolved: '办结未解决', merged: '已合并' }
export const MEDIATION_KINDS = { neighbour: '邻里纠纷', family: '家庭纠纷', property: '物业纠纷', other: '其他纠纷' }
export const MEDIATION = { open: '调解中', closed: '已结案' }
export const OUTCOMES = { agreed: '达成协议', failed: '调解不成', referred: '移交处理' }
export const PROJECT = { planned: '待实施', in_progress: '实施中', done: '已完成', dropped: '已终止' }
export const CONSULTATION = { draft: '名册公示中', open: '表决中', closed: '已结束' }
export const RESULT = { passed: '通过', failed: '未通过' }
export const ENTRY_KINDS = { income: '收入', expense: '支出' }
export const EVALUATION = { draft: '草稿', open: '评议中', closed: '已结束' }
export const label = (map, v) => map[v] || v || '—'
export const fmt = (t) => (t ? String(t).replace('T', ' ').slice(0, 16) : '')
export const yuan = (fen) => (fen === null || fen === undefined ? '—' : (fen / 100).toFixed(2))
export const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`)
