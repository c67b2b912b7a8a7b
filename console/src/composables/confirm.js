// Destructive actions ask first (ElMessageBox); a reason is asked where the API wants one.
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'

/** true when confirmed, false when cancelled. */
export async function confirmAction(message, title = '请确认', type = 'warning') {
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: '确定', cancelButtonText: '取消', type,
    })
    return true
  } catch (e) {
    return false
  }
}

/** The reason typed in, or null when cancelled. */
export async function askReason(message, title = '请填写原因', required = true) {
  try {
    const { value } = await ElMessageBox.prompt(message, title, {
      confirmButtonText: '确定', cancelButtonText: '取消', inputType: 'textarea',
      inputValidator: (v) => (!required || (v && v.trim().length > 0)) || '请填写原因',
    })
    return (value || '').trim()
  } catch (e) {
    return null
  }
}
