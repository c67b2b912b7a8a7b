/**
 * The API's states and kinds, with the words people see. One module, so that a label and the
 * state it stands for never drift apart. `tone` picks a colour, but every state also shows its
 * label as text (no information by colour alone).
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
  expire: '超时退回',
  recall: '收回待派',
  escalate: '超时提醒',
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

const ENTRY_KINDS = {
  service_credit: '服务收入',
  shift_credit: '志愿时长',
  redeem: '兑换',
  refund: '退回',
  transfer_in: '转入',
  transfer_out: '转出',
  adjustment: '调整',
  escrow_hold: '预扣',
  escrow_release: '预扣退回',
  service_payment: '服务支出',
  grant: '发放',
};

const SIGNUP_STATUS = {
  confirmed: { label: '已报名', tone: 'success' },
  waitlisted: { label: '候补中', tone: 'warning' },
  cancelled: { label: '已取消', tone: 'default' },
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
  mediator: '调解员',
  partner_member: '合伙人',
  merchant: '商家',
  staff: '社区工作者',
  street_admin: '街道管理员',
  owners_committee: '业委会',
  property: '物业',
  admin: '管理员',
};

const MEDIATION_KINDS = { neighbour: '邻里纠纷', family: '家庭纠纷', property: '物业纠纷', other: '其他纠纷' };

/** A case's badge: open, or closed with its outcome. */
const MEDIATION_STATUS = {
  open: { label: '调解中', tone: 'primary' },
  agreed: { label: '达成协议', tone: 'success' },
  failed: { label: '调解不成', tone: 'danger' },
  referred: { label: '已移交', tone: 'warning' },
};

const EVALUATION_STATUS = {
  upcoming: { label: '未开始', tone: 'default' },
  open: { label: '评议中', tone: 'primary' },
  closed: { label: '已结束', tone: 'default' },
};

const PARTNER_KINDS = { unit: '单位', social_org: '社会组织', craftsman: '个体工匠' };

const RELATIONS = { owner: '业主', family: '家属', tenant: '租户' };

const BINDING_STATUS = {
  pending: { label: '审核中', tone: 'warning' },
  approved: { label: '已绑定', tone: 'success' },
  rejected: { label: '未通过', tone: 'danger' },
};

const PROJECT_STATUS = {
  planned: { label: '待实施', tone: 'warning' },
  in_progress: { label: '实施中', tone: 'primary' },
  done: { label: '已办结', tone: 'success' },
  dropped: { label: '已终止', tone: 'default' },
};

const COMMITTEE_KINDS = {
  unit: '共建单位', compound_party: '小区党组织', property: '物业公司', owners_committee: '业委会',
  cadre: '下派干部',
};

const TRUST_ENTRY_STATUS = {
  pending: { label: '待会签', tone: 'warning' },
  counted: { label: '已入账', tone: 'success' },
  rejected: { label: '已驳回', tone: 'danger' },
};

const TRUST_SIDES = { property: '物业公司', owners_committee: '业委会' };

/** The account's categories: kind, whether it is public income (公共收益), label. */
const TRUST_CATEGORIES = {
  property_fee: { kind: 'income', label: '物业费' },
  parking: { kind: 'income', public: true, label: '公共车位停车收益' },
  advertising: { kind: 'income', public: true, label: '广告收益' },
  venue_rent: { kind: 'income', public: true, label: '公共场地租赁收益' },
  other_public_income: { kind: 'income', public: true, label: '其他公共收益' },
  other_income: { kind: 'income', label: '其他收入' },
  cleaning: { kind: 'expense', label: '保洁' },
  security: { kind: 'expense', label: '秩序维护' },
  greening: { kind: 'expense', label: '绿化养护' },
  repair: { kind: 'expense', label: '维修养护' },
  utilities: { kind: 'expense', label: '公共水电' },
  staff: { kind: 'expense', label: '人员薪酬' },
  trustee_fee: { kind: 'expense', label: '物业服务酬金' },
  other_expense: { kind: 'expense', label: '其他支出' },
};

function badge(table, value) {
  const found = table[value];
  return found ? { value, label: found.label, tone: found.tone } : { value, label: value || '未知', tone: 'default' };
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
  MEDIATION_KINDS,
  MEDIATION_STATUS,
  EVALUATION_STATUS,
  PARTNER_KINDS,
  RELATIONS,
  BINDING_STATUS,
  PROJECT_STATUS,
  COMMITTEE_KINDS,
  TRUST_ENTRY_STATUS,
  TRUST_SIDES,
  TRUST_CATEGORIES,
  requestBadge: (s) => badge(REQUEST_STATUS, s),
  voucherBadge: (s) => badge(VOUCHER_STATUS, s),
  signupBadge: (s) => badge(SIGNUP_STATUS, s),
  attendanceBadge: (s) => badge(ATTENDANCE_STATUS, s),
  bindingBadge: (s) => badge(BINDING_STATUS, s),
  mediationBadge: (c) => badge(MEDIATION_STATUS, c.status === 'closed' ? c.outcome : c.status),
  evaluationBadge: (s) => badge(EVALUATION_STATUS, s),
  projectBadge: (s) => badge(PROJECT_STATUS, s),
  trustEntryBadge: (s) => badge(TRUST_ENTRY_STATUS, s),
  label: (table, v) => (table[v] !== undefined ? table[v] : v),
};
