/**
 * The API's states and kinds, with the words people see. One module, so that a label and the
 * state it stands for never drift apart. `tone` picks a colour, but every state also shows its
 * label as text (no information by colour alone).
 *
 * Every enum of the API's OpenAPI document has its values here (a test walks the document), and
 * `label()`/`badge()` fall back to VOCABULARY, so no English value reaches the screen.
 */
const REQUEST_STATUS = {
  proposed: { label: '待本人确认', tone: 'warning' },
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
const OPEN_REQUEST_STATUSES = ['proposed', 'submitted', 'dispatched', 'pooled', 'accepted',
  'in_service', 'completed', 'disputed'];

const REQUEST_ACTIONS = {
  create: '提交需求',
  agree: '本人确认代下单',
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
  recall: '收回待派',
  escalate: '超时提醒',
  approve_content: '内容审核通过',
};

/**
 * A timeline step in words. `expire` is the system's step on an overdue request: a dispatch or
 * the pool goes back to the queue, but a proxy order the resident never agreed to is cancelled.
 */
function eventLabel(ev) {
  if (ev && ev.action === 'expire' && ev.to_status === 'cancelled') return '居民未确认，自动取消';
  return module.exports.label(REQUEST_ACTIONS, ev && ev.action);
}

/** Who did a timeline step, as the API names their part in the request. */
const EVENT_ROLES = {
  resident: '居民',
  staff: '社区工作者',
  partner: '合伙人',
  assignee: '服务人员',
  pool_partner: '合伙人（认领）',
  placer: '代下单人',
  system: '系统',
};

/** 代下单: who placed an order for a resident, and how the resident agreed. */
const PLACED_AS = { staff: '社区代下单', family: '家属代下单' };
const PROXY_CONSENTS = { phone_call: '电话确认', in_person: '当面确认', family: '家属确认' };

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
  mediator: '调解员',
  partner_member: '合伙人',
  merchant: '商家',
  staff: '社区工作者',
  grid_worker: '网格员',
  street_admin: '街道管理员',
  org_dept: '组织部',
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

/** A mediation case's agreement at the follow-up visit. */
const FOLLOW_UP_RESULTS = { kept: '已履行', partly_kept: '部分履行', broken: '未履行' };

const EVALUATION_STATUS = {
  upcoming: { label: '未开始', tone: 'default' },
  open: { label: '评议中', tone: 'primary' },
  closed: { label: '已结束', tone: 'default' },
};

/** Who is evaluated (评议对象), and who reviews the scores. */
const EVALUATION_TARGET_KINDS = { party_member: '党员', partner: '红色合伙人', compound_party_org: '小区党组织' };
const REVIEW_BODIES = { street: '街道', org_dept: '组织部' };

/** A volunteer's personal pass: for checking in or out. */
const PASS_KINDS = { in: '签到', out: '签退' };

/** Uses of personal information a person consents to, one by one. */
const CONSENT_KINDS = { location: '位置信息', phone: '手机号' };

/** The audit log's acts (admins search by them). */
const AUDIT_ACTIONS = {
  unmask: '查看完整信息',
  approve: '审核通过',
  reject: '审核驳回',
  role_grant: '授予角色',
  role_revoke: '收回角色',
  export: '导出个人信息',
  adjustment: '积分调整',
  login: '登录',
  account_cancel: '注销账号',
  config: '修改配置',
};

/** 社情民意: a report's states, the steps of its timeline, and what its clock waits for. */
const FEEDBACK_STATUS = {
  open: { label: '待受理', tone: 'warning' },
  accepted: { label: '办理中', tone: 'primary' },
  resolved: { label: '已答复待评价', tone: 'success' },
  reopened: { label: '重新办理', tone: 'warning' },
  transferred: { label: '已转街道', tone: 'primary' },
  closed: { label: '已办结', tone: 'success' },
  closed_unresolved: { label: '办结未解决', tone: 'default' },
  merged: { label: '已合并', tone: 'default' },
};

const FEEDBACK_WAITING = ['open', 'accepted', 'reopened', 'transferred'];

const FEEDBACK_ACTIONS = {
  create: '反映问题',
  accept: '受理',
  resolve: '答复处理结果',
  reopen: '重新打开',
  transfer: '转街道',
  close_unresolved: '办结（未解决）',
  rate: '评价',
  merge: '合并到其他问题',
  merge_in: '合并重复问题',
  escalate: '超时提醒',
  auto_close: '超时未评价，自动办结',
};

const FEEDBACK_ACTORS = {
  author: '反映人', handler: '网格员/社区', staff: '社区', street: '街道', system: '系统',
};

const FEEDBACK_CLOCK = { accept: '受理', resolve: '办结', rate: '评价' };
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
  placed: '我代下的单',
  month: '本月',
  year: '本年',
  merchant: '商家',
  error: '程序出错',
  rejection: '未处理的异常',
  // A confirmation the API asks for (注销: `confirm: true`).
  true: '确认',
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
/** Words of the governance domains (社情民意, 协商表决, 组织, 项目, 共管账户) for any enum value. */
const GOVERNANCE_WORDS = {
  sanitation: '环境卫生', facility: '设施维修', security: '治安', repair: '维修', greening: '绿化',
  cleaning: '保洁', utilities: '水电气', other_expense: '其他支出', other_income: '其他收入',
  other_public_income: '其他公共收益', advertising: '广告收入', parking: '停车收入',
  property_fee: '物业费', trustee_fee: '受托人报酬', venue_rent: '场地租金',
  income: '收入', expense: '支出', counted: '已入账', answered: '已答复', upheld: '维持原账',
  dismissed: '已驳回', resolved: '已办结', transferred: '已转街道', reopened: '已重新办理',
  closed_unresolved: '未解决关闭', merged: '已合并', overdue: '已超期',
  agree: '同意', disagree: '不同意', abstain: '弃权', area: '按面积',
  share_of_all: '全体住户八成同意', civil_code_278: '民法典第二百七十八条',
  draft: '草稿', planned: '待实施', in_progress: '实施中', done: '已完成', dropped: '已终止',
  cadre: '下派干部', compound_party: '小区党组织', property_company: '物业公司',
  self_management: '自管委', supervisory_board: '业主监事会', head: '负责人', deputy: '副职',
  member: '成员', single: '单独建', joint: '联合建', grid: '网格', managed: '物业小区',
  unmanaged: '无物业小区', other: '其他',
};

/** 银发人才库, secretary candidates (5 positive standards, 3 negative lists), 业主党员台账. */
const TALENT_WORDS = {
  self: '个人自荐', unit: '单位推荐', nominated: '待审查', verified: '组织部已审核',
  appointed: '已任命', political_quality: '政治素质好', work_style: '工作作风好',
  age_fit: '年龄适合岗位', public_trust: '群众认可度高', capability: '履职能力强',
  discipline_violation: '受过党纪政务处分', criminal_record: '有违法犯罪记录',
  dishonest_or_gang: '失信被执行或涉黑涉恶', met: '符合', not_met: '不符合', clear: '无',
  hit: '有', positive: '正面标准', negative: '负面清单', registered: '双报到',
  floating: '流动党员', not_in_grid: '网格数据未见', not_registered: '未报到也非流动党员',
};

/** The figures of GET /stats/summary (and the metrics of /stats/series), and their scopes. */
const STAT_FIGURES = {
  services_done: '完成服务',
  households_served: '服务家庭',
  problems_solved: '解决问题',
  disputes: '矛盾纠纷',
  disputes_change_yoy: '纠纷同比',
  volunteer_minutes_verified: '志愿服务时长（核验）',
  volunteer_minutes_manual: '志愿服务时长（补录）',
  activities_held: '举办活动',
  points_issued: '发放积分',
  points_redeemed: '兑换积分',
  points_outstanding: '未兑换积分',
  party_members_registered: '党员报到',
  consultations_passed: '协商通过',
  elevators_in_service: '加装电梯投用',
  projects_done: '完成项目',
};
const STAT_SCOPES = { community: '社区', street: '街道' };
/** A large Excel export runs as a job: its states. */
const STAT_JOBS = { queued: '排队中', running: '生成中', finished: '已完成' };

const VOCABULARY = [PLACED_AS, PROXY_CONSENTS, TALENT_WORDS, STAT_FIGURES, STAT_SCOPES, STAT_JOBS, GOVERNANCE_WORDS, WORDS, AUDIT_ACTIONS, CONSENT_KINDS, PASS_KINDS, REVIEW_BODIES,
  EVALUATION_TARGET_KINDS, EVALUATION_STATUS, FOLLOW_UP_RESULTS, MEDIATION_STATUS, MEDIATION_KINDS,
  PARTY_ROLES, SHIFT_ROLES, TEAM_KINDS, RELATIONS, PARTNER_KINDS, ROLES,
  MALL_KINDS, PAYERS, RESOLVE_OUTCOMES, EVENT_ROLES, REQUEST_ACTIONS, ENTRY_KINDS, REVIEW_STATUS,
  BINDING_STATUS, ATTENDANCE_STATUS, SIGNUP_STATUS, VOUCHER_STATUS, REQUEST_STATUS]
  .reduce((all, table) => Object.assign(all, words(table)), {});
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
  if (found) return { value, label: found.label, tone: found.tone };
  return { value, label: VOCABULARY[value] || '未知', tone: 'default' };
}

module.exports = {
  TALENT_WORDS,
  STAT_FIGURES,
  STAT_SCOPES,
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
  FOLLOW_UP_RESULTS,
  EVALUATION_STATUS,
  EVALUATION_TARGET_KINDS,
  REVIEW_BODIES,
  PASS_KINDS,
  CONSENT_KINDS,
  AUDIT_ACTIONS,
  PARTNER_KINDS,
  RELATIONS,
  FEEDBACK_STATUS,
  FEEDBACK_WAITING,
  FEEDBACK_ACTIONS,
  FEEDBACK_ACTORS,
  FEEDBACK_CLOCK,
  CONSULTATION_STATUS,
  CONSULTATION_RESULT,
  CHOICES,
  RULE_NAMES,
  RENOVATION_STATUS,
  RENOVATION_ITEM_STATUS,
  ELEVATOR_STAGES,
  BINDING_STATUS,
  REVIEW_STATUS,
  EVENT_ROLES,
  PLACED_AS,
  PROXY_CONSENTS,
  TEAM_KINDS,
  SHIFT_ROLES,
  WORDS,
  VOCABULARY,
  STAT_JOBS,
  PROJECT_STATUS,
  COMMITTEE_KINDS,
  TRUST_ENTRY_STATUS,
  TRUST_SIDES,
  TRUST_CATEGORIES,
  requestBadge: (s) => badge(REQUEST_STATUS, s),
  eventLabel,
  voucherBadge: (s) => badge(VOUCHER_STATUS, s),
  signupBadge: (s) => badge(SIGNUP_STATUS, s),
  attendanceBadge: (s) => badge(ATTENDANCE_STATUS, s),
  bindingBadge: (s) => badge(BINDING_STATUS, s),
  mediationBadge: (c) => badge(MEDIATION_STATUS, c.status === 'closed' ? c.outcome : c.status),
  evaluationBadge: (s) => badge(EVALUATION_STATUS, s),
  reviewBadge: (s) => badge(REVIEW_STATUS, s),
  feedbackBadge: (s) => badge(FEEDBACK_STATUS, s),
  /** A consultation's badge: its status, or its result once closed. */
  consultationBadge: (c) => (c.status === 'closed' && c.result
    ? badge(CONSULTATION_RESULT, c.result) : badge(CONSULTATION_STATUS, c.status)),
  renovationBadge: (s) => badge(RENOVATION_STATUS, s),
  renovationItemBadge: (s) => badge(RENOVATION_ITEM_STATUS, s),
  projectBadge: (s) => badge(PROJECT_STATUS, s),
  trustEntryBadge: (s) => badge(TRUST_ENTRY_STATUS, s),
  /** The table's word for v, else the vocabulary's, else v itself (never undefined). */
  label: (table, v) => {
    if (table[v] !== undefined) return typeof table[v] === 'string' ? table[v] : table[v].label;
    return VOCABULARY[v] || v;
  },
};
