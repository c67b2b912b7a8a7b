import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../src/api/client'
import ReviewTab from '../src/views/approvals/ReviewTab.vue'

vi.mock('../src/composables/confirm', () => ({
  confirmAction: vi.fn(async () => true),
  askReason: vi.fn(async () => '材料不全'),
}))

const rows = [{ id: 7, name: '张阿姨' }, { id: 8, name: '李大爷' }]

async function mounted(actions) {
  const fetch = vi.fn(async () => ({ items: rows, next_cursor: null }))
  const wrapper = mount(ReviewTab, {
    props: { fetch, actions, columns: [{ label: '姓名', value: (r) => r.name }],
      itemLabel: (r) => r.name },
    attachTo: document.body,
  })
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  return { wrapper, fetch }
}

describe('ReviewTab bulk actions', () => {
  it('runs the action on every selected row and reports each outcome', async () => {
    const run = vi.fn(async (row) => {
      if (row.id === 8) throw new ApiError(403, 'recorder_review', '录入时长的工作人员不能审核该记录，请由其他工作人员审核')
      return { id: row.id }
    })
    const { wrapper, fetch } = await mounted([{ name: 'approve', label: '批量通过', run }])
    expect(wrapper.text()).toContain('张阿姨')
    const button = wrapper.find('[data-testid="bulk-approve"]')
    expect(button.attributes('disabled')).toBeDefined() // nothing selected yet
    wrapper.findComponent({ name: 'ElTable' }).vm.$emit('selection-change', rows)
    await flushPromises()
    expect(wrapper.text()).toContain('已选 2 项')
    await wrapper.find('[data-testid="bulk-approve"]').trigger('click')
    await flushPromises()
    expect(run.mock.calls.map(([r]) => r.id)).toEqual([7, 8])
    const [results] = wrapper.emitted('done')[0]
    expect(results.map((r) => [r.label, r.ok])).toEqual([['张阿姨', true], ['李大爷', false]])
    expect(results[1].message).toContain('录入时长的工作人员不能审核')
    expect(document.body.textContent).toContain('成功 1 项，失败 1 项')
    expect(fetch).toHaveBeenCalledTimes(2) // the queue is read again afterwards
    wrapper.unmount()
  })

  it('asks for a reason and passes it to every item', async () => {
    const run = vi.fn(async () => ({}))
    const { wrapper } = await mounted([{ name: 'reject', label: '批量驳回', reason: true, run }])
    wrapper.findComponent({ name: 'ElTable' }).vm.$emit('selection-change', rows)
    await flushPromises()
    await wrapper.find('[data-testid="bulk-reject"]').trigger('click')
    await flushPromises()
    expect(run.mock.calls.map(([r, reason]) => [r.id, reason])).toEqual([[7, '材料不全'], [8, '材料不全']])
    wrapper.unmount()
  })
})
