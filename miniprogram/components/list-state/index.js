/**
 * The foot of every list: loading, empty, error (with a retry button), more to load, or no more.
 * Each state is written out in words, so it never depends on colour or an icon alone.
 */
Component({
  options: { addGlobalClass: true },
  properties: {
    state: { type: String, value: 'loading' },
    error: { type: String, value: '' },
    emptyText: { type: String, value: '暂无内容' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
    onMore() {
      this.triggerEvent('more');
    },
  },
});
