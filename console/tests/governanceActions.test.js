import { describe, expect, it } from 'vitest'
import { closeBody, feedbackActions, progressError, projectMoves }
  from '../src/views/governance/actions'

describe('feedback actions by status', () => {
  it('follows the report machine', () => {
    expect(feedbackActions('open')).toEqual(['accept', 'transfer', 'close_unresolved'])
    expect(feedbackActions('accepted')).toEqual(['resolve', 'transfer', 'close_unresolved'])
    expect(feedbackActions('reopened')).toEqual(['accept', 'close_unresolved'])
    expect(feedbackActions('transferred')).toEqual(['close_unresolved'])
    expect(feedbackActions('transferred', 'street')).toEqual(['accept', 'close_unresolved'])
    expect(feedbackActions('accepted', 'street')).toEqual(['resolve'])
    expect(feedbackActions('open', 'street')).toEqual([])
    expect(feedbackActions('resolved')).toEqual(['close_unresolved'])
    for (const done of ['closed', 'closed_unresolved', 'merged']) expect(feedbackActions(done)).toEqual([])
  })
})

describe('project moves on the kanban', () => {
  it('moves forward or drops, never back', () => {
    expect(projectMoves('planned')).toEqual(['start', 'progress', 'drop'])
    expect(projectMoves('in_progress')).toEqual(['progress', 'done', 'drop'])
    expect(projectMoves('done')).toEqual([])
    expect(projectMoves('dropped')).toEqual([])
  })

  it('checks a progress percentage', () => {
    expect(progressError(50, 30)).toBe('')
    expect(progressError(20, 30)).toBe('进度不能低于上次的30%')
    expect(progressError(101, 0)).toBe('进度须为0到100的整数')
    expect(progressError(12.5)).toBe('进度须为0到100的整数')
  })
})

describe('closing a mediation case', () => {
  it('needs an outcome', () => {
    expect(closeBody({ outcome: '' }).error).toBe('请选择调解结果')
  })

  it('needs complete duties for an agreement and drops blank rows', () => {
    expect(closeBody({ outcome: 'agreed', duties: [{ party_id: null, duty: '' }] }).error)
      .toBe('达成协议须写明各方义务')
    expect(closeBody({ outcome: 'agreed', duties: [{ party_id: 4, duty: '安装减震垫', due_on: '' }] }).error)
      .toBe('每项义务须选择当事人、填写内容和履行期限')
    expect(closeBody({ outcome: 'agreed', note: ' 双方签字 ', duties: [
      { party_id: 4, duty: ' 安装减震垫 ', due_on: '2026-12-20' }, { party_id: null, duty: '' }] }))
      .toEqual({ body: { outcome: 'agreed', note: '双方签字', duties: [
        { party_id: 4, duty: '安装减震垫', method: '', due_on: '2026-12-20' }] } })
  })

  it('names where a referred case went', () => {
    expect(closeBody({ outcome: 'referred', referred_to: ' ' }).error).toBe('请填写移交的单位')
    expect(closeBody({ outcome: 'referred', referred_to: '古湖派出所' }).body)
      .toEqual({ outcome: 'referred', note: '', referred_to: '古湖派出所' })
    expect(closeBody({ outcome: 'failed' }).body).toEqual({ outcome: 'failed', note: '' })
  })
})

describe('feedbackScope', () => {
  it("reads the community's queue as its staff or an admin, the street's as a street admin", async () => {
    const { feedbackScope } = await import('../src/views/governance/actions')
    expect(feedbackScope([1], false, 1)).toBe('community')
    expect(feedbackScope([], true, 2)).toBe('community')
    expect(feedbackScope([], false, 1)).toBe('street')
    expect(feedbackScope([2], false, 1)).toBe('street')
  })
})

describe('governanceTabs', () => {
  it('leaves feedback and mediation out for the organisation department only', async () => {
    const { governanceTabs, GOVERNANCE_TABS } = await import('../src/views/governance/actions')
    expect(governanceTabs(['org_dept'])).toEqual(['projects', 'consultations', 'trust', 'evaluations', 'talents'])
    expect(governanceTabs(['street_admin'])).toEqual(GOVERNANCE_TABS)
    expect(governanceTabs(['staff', 'org_dept'])).toEqual(GOVERNANCE_TABS)
    expect(governanceTabs(['admin'])).toEqual(GOVERNANCE_TABS)
  })
})
