// A list screen's state: filters kept in the URL query (a link can be shared), cursor paging
// over the API's {items, next_cursor}, loading, error and empty states.
import { reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'

/** Filters read from and written back to the URL query. `defaults`: {key: default}. Numbers
 * in the defaults make numbers of the query's strings; '' means "no filter". */
export function useUrlFilters(defaults) {
  const route = useRoute()
  const router = useRouter()
  const filters = reactive({})
  const read = () => {
    for (const [k, d] of Object.entries(defaults)) {
      const q = route.query[k]
      if (q === undefined || q === '') filters[k] = d
      else if (typeof d === 'number') filters[k] = Number(q)
      else if (typeof d === 'boolean') filters[k] = q === 'true'
      else filters[k] = String(q)
    }
  }
  read()
  /** Write the filters to the URL (replacing, so Back leaves the screen). */
  const save = () => {
    const query = { ...route.query }
    for (const [k, d] of Object.entries(defaults)) {
      const v = filters[k]
      if (v === d || v === '' || v === null || v === undefined) delete query[k]
      else query[k] = String(v)
    }
    return router.replace({ query })
  }
  return { filters, save, read }
}

/** Cursor paging. `fetcher({cursor, limit})` → {items, next_cursor}. */
export function useCursorList(fetcher, limit = 20) {
  const state = reactive({ items: [], loading: false, error: '', page: 1, next: null })
  const stack = ref([]) // cursors of the pages before the current one
  let current = null
  let seq = 0
  async function load(cursor) {
    const mine = ++seq
    state.loading = true
    state.error = ''
    try {
      const data = await fetcher({ cursor: cursor || undefined, limit })
      if (mine !== seq) return
      state.items = data?.items || []
      state.next = data?.next_cursor || null
      current = cursor || null
    } catch (e) {
      if (mine !== seq) return
      state.items = []
      state.next = null
      state.error = e?.message || '加载失败'
    } finally {
      if (mine === seq) state.loading = false
    }
  }
  const reload = () => load(current)
  const first = () => { stack.value = []; state.page = 1; return load(null) }
  const nextPage = () => {
    if (!state.next) return undefined
    stack.value.push(current); state.page += 1
    return load(state.next)
  }
  const prevPage = () => {
    if (!stack.value.length) return undefined
    state.page -= 1
    return load(stack.value.pop())
  }
  return { state, first, reload, nextPage, prevPage }
}
