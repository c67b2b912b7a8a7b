// The API's values with the words people see (mirrors miniprogram/utils/status.js).
export const REQUEST_STATUS = {
  proposed: { label: '待本人确认', type: 'warning' },
  submitted: { label: '待派单', type: 'warning' },
  dispatched: { label: '已派单', type: 'primary' },
  pooled: { label: '待认领', type: 'warning' },
  accepted: { label: '已接单', type: 'primary' },
  in_service: { label: '服务中', type: 'primary' },
  completed: { label: '待确认', type: 'warning' },
  confirmed: { label: '已完成', type: 'success' },
  disputed: { label: '有异议', type: 'danger' },
  cancelled: { label: '已取消', type: 'info' },
}

export const REQUEST_ACTIONS = {
  create: '提交需求', agree: '本人确认代下单', dispatch: '社区派单', claim: '认领', accept: '接单', decline: '退回',
  start: '开始服务', complete: '完成服务', confirm: '确认完成', dispute: '提出异议',
  resolve: '处理异议', cancel: '取消', auto_confirm: '系统自动确认', expire: '超时未接单，退回',
  recall: '收回待派', escalate: '超时提醒', approve_content: '内容审核通过',
}

export const EVENT_ROLES = {
  resident: '居民', staff: '社区工作者', partner: '合伙人', assignee: '服务人员',
  pool_partner: '合伙人（认领）', placer: '代下单人', system: '系统',
}

export const ROLES = {
  resident: '居民', volunteer: '志愿者', party_member: '党员', partner_member: '合伙人成员',
  merchant: '商户', staff: '社区工作者', street_admin: '街道管理员', mediator: '调解员',
  org_dept: '组织部', grid_worker: '网格员', owners_committee: '业委会', property: '物业',
  admin: '管理员',
}

export const statusLabel = (s) => REQUEST_STATUS[s]?.label || '未知状态'
export const statusType = (s) => REQUEST_STATUS[s]?.type || 'info'
export const actionLabel = (a) => REQUEST_ACTIONS[a] || '处理'
/**
 * A timeline step in words. `expire` is the system's step on an overdue request: a dispatch or
 * the pool goes back to the queue, but a proxy order the resident never agreed to is cancelled.
 */
export const eventLabel = (e) => (e?.action === 'expire' && e?.to_status === 'cancelled'
  ? '居民未确认，自动取消' : actionLabel(e?.action))
export const eventRoleLabel = (r) => EVENT_ROLES[r] || '其他'
export const roleLabel = (r) => ROLES[r] || '其他角色'
