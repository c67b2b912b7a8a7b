import { describe, expect, it } from 'vitest'
import { firstFieldMessage, withFieldMessage } from '../src/api/client'

describe("a refused form says what was wrong, in the API's words", () => {
  it('adds the first field message to 提交的内容有误', () => {
    const details = { fields: { shifts: { 0: { capacity: ['此项必填'] } }, title: ['长度须在 1 到 100 之间'] } }
    expect(withFieldMessage('提交的内容有误', details)).toBe('提交的内容有误：此项必填')
    expect(withFieldMessage('提交的内容有误', { fields: { title: ['长度须在 1 到 100 之间'] } }))
      .toBe('提交的内容有误：长度须在 1 到 100 之间')
  })
  it('leaves other messages alone', () => {
    expect(withFieldMessage('没有权限执行此操作', {})).toBe('没有权限执行此操作')
    expect(withFieldMessage('容量不能少于已确认报名人数（3人）', { fields: {} })).toBe('容量不能少于已确认报名人数（3人）')
    expect(firstFieldMessage(null)).toBe('')
  })
})
