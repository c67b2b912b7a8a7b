/**
 * The API's states and kinds, with the words people see. One module, so that a label and the
 * state it stands for never drift apart. `tone` picks a colour, but every state also shows its
 * label as text (no information by colour alone).
 *
 * Every enum of the API's OpenAPI document has its values here (a test walks the document), and
 * `label()`/`badge()` fall back to VOCABULARY, so no English value reaches the screen.
 */
const REQUEST_STATUS = {
  submitted: { label: '待派单', tone: 'warning' },
  dispatched: { label: '已派单', tone: 'primary' },
  pooled: { label: '待认领', tone: 'warning' },
  accepted: { label: '已接单', tone: 'primary' },
  in_service: { label: '服务中', tone: 'primary' },
  completed: { label: '待确认', tone: 'warning' },
  confirmed: { label: '已完成', tone: 'success' },
  disputed: { label: '有异议', tone: 'danger' },
  cancelled: { label: '已取消', tone: 'default' },
};

/** States in which a request is still open for the resident (shown on the home page). */
const OPEN_REQUEST_STATUSES = ['submitted', 'dispatched', 'pooled', 'accepted', 'in_service',
  'completed', 'disputed'];

const REQUEST_ACTIONS = {
  create: '提交需求',
  dispatch: '社区派单',
  claim: '认领',
  accept: '接单',
  decline: '退回',
  start: '开始服务',
  complete: '完成服务',
  confirm: '确认完成',
  dispute: '提出异议',
  resolve: '处理异议',
  cancel: '取消',
  auto_confirm: '系统自动确认',
  expire: '超时未接单，退回',
  escalate: '超时退回',
};

/** Who did a timeline step, as the API names their part in the request. */
const EVENT_ROLES = {
  resident: '居民',
  staff: '社区工作者',
  partner: '合伙人',
  assignee: '服务人员',
  pool_partner: '合伙人（认领）',
  system: '系统',
};

const RESOLVE_OUTCOMES = {
  confirm: '认定完成并结算',
  redo: '返工重做',
  cancel: '取消需求',
};

const PAYERS = {
  community: '社区支付积分',
  resident: '本人积分支付',
  none: '无积分',
};

const VOUCHER_STATUS = {
  issued: { label: '可使用', tone: 'success' },
  used: { label: '已核销', tone: 'default' },
  expired: { label: '已过期', tone: 'default' },
  cancelled: { label: '已作废', tone: 'default' },
};

const MALL_KINDS = {
  goods: '实物',
  service: '服务',
  discount: '折扣',
  market: '集市',
};

/** Ledger entries (积分明细) and the transfers behind them. */
const ENTRY_KINDS = {
  service_credit: '服务收入',
  shift_credit: '志愿服务',
  redeem: '兑换',
  refund: '退回',
  transfer: '转赠',
  transfer_in: '转入',
  transfer_out: '转出',
  adjustment: '调整',
  hold: '预扣',
  release: '预扣退回',
  reversal: '冲正',
};

const SIGNUP_STATUS = {
  confirmed: { label: '已报名', tone: 'success' },
  waitlisted: { label: '候补中', tone: 'warning' },
  cancelled: { label: '已取消', tone: 'default' },
  no_show: { label: '缺席', tone: 'danger' },
};

const ATTENDANCE_STATUS = {
  checked_in: { label: '已签到', tone: 'primary' },
  pending: { label: '待审核', tone: 'warning' },
  partial: { label: '时长不足待审核', tone: 'warning' },
  credited: { label: '已计入积分', tone: 'success' },
  approved: { label: '已通过', tone: 'success' },
  rejected: { label: '未通过', tone: 'danger' },
  no_show: { label: '缺席', tone: 'danger' },
};

const PARTY_ROLES = {
  info_officer: '社情民意信息员',
  mediator: '矛盾纠纷调解员',
  volunteer: '志愿者',
};

const ROLES = {
  resident: '居民',
  volunteer: '志愿者',
  party_member: '党员',
  partner_member: '合伙人',
  merchant: '商家',
  staff: '社区工作者',
  admin: '管理员',
};

const PARTNER_KINDS = { unit: '单位', social_org: '社会组织', craftsman: '个体工匠' };

const RELATIONS = { owner: '业主', family: '家属', tenant: '租户' };

const BINDING_STATUS = {
  pending: { label: '审核中', tone: 'warning' },
  approved: { label: '已绑定', tone: 'success' },
  rejected: { label: '未通过', tone: 'danger' },
};

/** 党员双报到 and 积分调整: staff decisions. */
const REVIEW_STATUS = {
  pending: { label: '待审核', tone: 'warning' },
  approved: { label: '已通过', tone: 'success' },
  rejected: { label: '未通过', tone: 'danger' },
};

const TEAM_KINDS = {
  v_station: '志愿V站',
  alliance: '服务联盟',
  errand_team: '跑腿队',
  party_vanguard: '党员先锋队',
};

const SHIFT_ROLES = { volunteer: '志愿者', party_member: '党员' };

/** Words of the API not shown in a table above: kinds of places, list scopes, periods. */
const WORDS = {
  formal: '建制小区',
  old_courtyard: '老旧院落',
  scattered: '零散楼栋',
  party_service: '党群服务站',
  mine: '我的',
  community: '本社区',
  assigned: '指派给我',
  pool: '任务池',
  month: '本月',
  year: '本年',
  merchant: '商家',
  error: '程序出错',
  rejection: '未处理的异常',
  // Roles and steps the API contract names as well.
  recall: '撤回',
  street_admin: '街道管理员',
  mediator: '调解员',
  org_dept: '组织部',
};

function words(table) {
  const out = {};
  Object.keys(table).forEach((k) => {
    const v = table[k];
    out[k] = typeof v === 'string' ? v : v.label;
  });
  return out;
}

/** Any API value → a Chinese word; the fallback of label() and badge(). */
const VOCABULARY = [WORDS, PARTY_ROLES, SHIFT_ROLES, TEAM_KINDS, RELATIONS, PARTNER_KINDS, ROLES,
  MALL_KINDS, PAYERS, RESOLVE_OUTCOMES, EVENT_ROLES, REQUEST_ACTIONS, ENTRY_KINDS, REVIEW_STATUS,
  BINDING_STATUS, ATTENDANCE_STATUS, SIGNUP_STATUS, VOUCHER_STATUS, REQUEST_STATUS]
  .reduce((all, table) => Object.assign(all, words(table)), {});

function badge(table, value) {
  const found = table[value];
  if (found) return { value, label: found.label, tone: found.tone };
  return { value, label: VOCABULARY[value] || '未知', tone: 'default' };
}

module.exports = {
  REQUEST_STATUS,
  OPEN_REQUEST_STATUSES,
  REQUEST_ACTIONS,
  RESOLVE_OUTCOMES,
  PAYERS,
  VOUCHER_STATUS,
  MALL_KINDS,
  ENTRY_KINDS,
  SIGNUP_STATUS,
  ATTENDANCE_STATUS,
  PARTY_ROLES,
  ROLES,
  PARTNER_KINDS,
  RELATIONS,
  BINDING_STATUS,
  REVIEW_STATUS,
  EVENT_ROLES,
  TEAM_KINDS,
  SHIFT_ROLES,
  WORDS,
  VOCABULARY,
  requestBadge: (s) => badge(REQUEST_STATUS, s),
  voucherBadge: (s) => badge(VOUCHER_STATUS, s),
  signupBadge: (s) => badge(SIGNUP_STATUS, s),
  attendanceBadge: (s) => badge(ATTENDANCE_STATUS, s),
  bindingBadge: (s) => badge(BINDING_STATUS, s),
  reviewBadge: (s) => badge(REVIEW_STATUS, s),
  /** The table's word for v, else the vocabulary's, else v itself (never undefined). */
  label: (table, v) => {
    if (table[v] !== undefined) return typeof table[v] === 'string' ? table[v] : table[v].label;
    return VOCABULARY[v] || v;
  },
};
