/**
 * 扫码核销: scan the resident's voucher QR (`llt-voucher:<code>`) or type the code printed under
 * it, and write it off once (the service reads either form and keeps its Idempotency-Key until
 * the API answers).
 */
const timebank = require('../../../services/timebank');
const { basePage, showError, showOk } = require('../../../utils/ui');
const { voucherBadge } = require('../../../utils/status');

Page(basePage({
  data: { code: '', result: null, error: '', busy: false },

  onCode(e) { this.setData({ code: e.detail.value.trim() }); },

  onScan() {
    wx.scanCode({
      onlyFromCamera: true,
      success: (res) => {
        this.setData({ code: timebank.voucherCode(res.result) });
        this.onWriteoff();
      },
      fail: () => wx.showToast({ title: '未扫描到券码', icon: 'none' }),
    });
  },

  async onWriteoff() {
    if (!this.data.code) {
      this.setData({ error: '请扫描或输入券码' });
      return;
    }
    if (this.data.busy) return;
    this.setData({ busy: true, error: '', result: null });
    try {
      const res = await timebank.writeoff(this.data.code);
      const v = res.voucher;
      this.setData({ result: { ...v, badge: voucherBadge(v.status) }, code: '' });
      showOk('核销成功');
    } catch (e) {
      this.setData({ error: showError(e) });
    } finally {
      this.setData({ busy: false });
    }
  },
}));
