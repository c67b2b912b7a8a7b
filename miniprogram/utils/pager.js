/**
 * Cursor paging for one list on a page. The list lives in `page.data[key]` as
 * `{items, state, error}` where state is one of loading | ready | empty | error | noMore, so every
 * list can show each of those states (see components/list-state).
 */
const { messageOf } = require('./errors');

function createPager(page, key, fetch, { limit = 20, decorate = (x) => x } = {}) {
  let cursor = null;
  let generation = 0;
  let busy = false;

  async function load(fresh) {
    const mine = generation;
    busy = true;
    const before = fresh ? [] : page.data[key].items;
    page.setData({ [key]: { items: before, state: 'loading', error: '' } });
    try {
      const res = await fetch({ cursor: fresh ? undefined : cursor, limit });
      if (mine !== generation) return;
      const items = before.concat((res.items || []).map(decorate));
      cursor = res.next_cursor || null;
      let state = 'ready';
      if (!items.length) state = 'empty';
      else if (!cursor) state = 'noMore';
      page.setData({ [key]: { items, state, error: '' } });
    } catch (e) {
      if (mine !== generation) return;
      page.setData({ [key]: { items: before, state: 'error', error: messageOf(e) } });
    } finally {
      if (mine === generation) busy = false;
    }
  }

  return {
    reload() {
      generation += 1;
      cursor = null;
      return load(true);
    },
    /** Next page, only when there is one and nothing is loading. */
    more() {
      const current = page.data[key];
      if (busy || !current || current.state !== 'ready') return Promise.resolve();
      return load(false);
    },
    /** After an error: retry what failed (the first page, or the next one). */
    retry() {
      const current = page.data[key];
      return current && current.items.length && cursor ? load(false) : this.reload();
    },
  };
}

const emptyList = () => ({ items: [], state: 'loading', error: '' });

module.exports = { createPager, emptyList };
