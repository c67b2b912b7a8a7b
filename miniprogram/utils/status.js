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

const CONSULTATION_STATUS = {
  draft: { label: '名册公示中', tone: 'warning' },
  open: { label: '表决中', tone: 'primary' },
  closed: { label: '已结束', tone: 'default' },
};

const CONSULTATION_RESULT = {
  passed: { label: '通过', tone: 'success' },
  failed: { label: '未通过', tone: 'danger' },
};

const CHOICES = { agree: '同意', disagree: '反对', abstain: '弃权' };

const RULE_NAMES = { share_of_all: '全体住户80%同意', civil_code_278: '民法典第二百七十八条' };

const RENOVATION_STATUS = {
  proposing: { label: '征集建议中', tone: 'primary' },
  consulting: { label: '表决征询中', tone: 'warning' },
  reported: { label: '已上报实施', tone: 'success' },
};

const RENOVATION_ITEM_STATUS = {
  proposed: { label: '待整理', tone: 'default' },
  accepted: { label: '已列入清单', tone: 'success' },
  rejected: { label: '未列入', tone: 'default' },
};

const ELEVATOR_STAGES = {
  survey: '入户调查',
  consent: '意见征询',
  funding: '资金筹集',
  procurement: '招标采购',
  works: '施工安装',
  acceptance: '竣工验收',
  in_service: '投入使用',
};

const PARTNER_KINDS = { unit: '单位', social_org: '社会组织', craftsman: '个体工匠' };

const RELATIONS = { owner: '业主', family: '家属', tenant: '租户' };

const BINDING_STATUS = {
  pending: { label: '审核中', tone: 'warning' },
  approved: { label: '已绑定', tone: 'success' },
  rejected: { label: '未通过', tone: 'danger' },
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
  CONSULTATION_STATUS,
  CONSULTATION_RESULT,
  CHOICES,
  RULE_NAMES,
  RENOVATION_STATUS,
  RENOVATION_ITEM_STATUS,
  ELEVATOR_STAGES,
  BINDING_STATUS,
  requestBadge: (s) => badge(REQUEST_STATUS, s),
  voucherBadge: (s) => badge(VOUCHER_STATUS, s),
  signupBadge: (s) => badge(SIGNUP_STATUS, s),
  attendanceBadge: (s) => badge(ATTENDANCE_STATUS, s),
  bindingBadge: (s) => badge(BINDING_STATUS, s),
  mediationBadge: (c) => badge(MEDIATION_STATUS, c.status === 'closed' ? c.outcome : c.status),
  evaluationBadge: (s) => badge(EVALUATION_STATUS, s),
  /** A consultation's badge: its status, or its result once closed. */
  consultationBadge: (c) => (c.status === 'closed' && c.result
    ? badge(CONSULTATION_RESULT, c.result) : badge(CONSULTATION_STATUS, c.status)),
  renovationBadge: (s) => badge(RENOVATION_STATUS, s),
  renovationItemBadge: (s) => badge(RENOVATION_ITEM_STATUS, s),
  label: (table, v) => (table[v] !== undefined ? table[v] : v),
};
