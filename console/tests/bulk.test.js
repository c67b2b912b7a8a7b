import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import BulkResults from '../src/components/BulkResults.vue'
import { runBulk, summarize } from '../src/composables/bulk'
import { ApiError } from '../src/api/client'

describe('runBulk', () => {
  it('reports each item: a refusal keeps the API\'s Chinese message, the others go on', async () => {
    const action = vi.fn(async (item) => {
      if (item.id === 2) throw new ApiError(409, 'invalid_transition', '该记录已审核或尚未签退')
      return { id: item.id, status: 'credited' }
    })
    const progress = []
    const results = await runBulk([{ id: 1, name: '甲' }, { id: 2, name: '乙' }, { id: 3, name: '丙' }],
      action, { label: (it) => it.name, onProgress: (d, t) => progress.push(`${d}/${t}`) })
    expect(action).toHaveBeenCalledTimes(3)
    expect(results.map((r) => [r.label, r.ok])).toEqual([['甲', true], ['乙', false], ['丙', true]])
    expect(results[1].message).toBe('该记录已审核或尚未签退')
    expect(results[1].code).toBe('invalid_transition')
    expect(results[0].result.status).toBe('credited')
    expect(progress).toEqual(['1/3', '2/3', '3/3'])
    expect(summarize(results)).toBe('成功 2 项，失败 1 项')
  })

  it('runs one item at a time, in order', async () => {
    const log = []
    await runBulk([{ id: 1 }, { id: 2 }], async (it) => {
      log.push(`start ${it.id}`)
      await new Promise((r) => setTimeout(r, 5))
      log.push(`end ${it.id}`)
    })
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2'])
  })

  it('all successes say so', () => {
    expect(summarize([{ ok: true }, { ok: true }])).toBe('全部成功，共 2 项')
  })
})

describe('BulkResults', () => {
  it('shows every item with its outcome and message', async () => {
    const wrapper = mount(BulkResults, {
      props: { modelValue: true, results: [
        { id: 1, label: '张阿姨', ok: true, message: '成功' },
        { id: 2, label: '李大爷', ok: false, message: '不能审核自己的志愿记录' },
      ] },
      attachTo: document.body,
    })
    await new Promise((r) => setTimeout(r, 0))
    const text = document.body.textContent
    expect(text).toContain('成功 1 项，失败 1 项')
    expect(text).toContain('张阿姨')
    expect(text).toContain('不能审核自己的志愿记录')
    wrapper.unmount()
  })
})
