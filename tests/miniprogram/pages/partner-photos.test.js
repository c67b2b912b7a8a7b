/**
 * The partner completes a task with photos as proof, on the task page and in the task list:
 * photos chosen with wx.chooseMedia, uploaded through the real upload helper (POST /files) when
 * the form is sent, then the completion with their ids. A category that requires a photo is not
 * sent without one; a refused upload sends nothing; a retry does not upload a photo twice.
 */
const orders = require('../../../miniprogram/services/orders');
const config = require('../../../miniprogram/config');
const { ApiError } = require('../../../miniprogram/utils/errors');
const { resetAll, loadPage, flush, text, all, tap, input, page } = require('../helpers/page');

jest.mock('../../../miniprogram/services/orders');

const REQ = (over) => ({
  id: 5, status: 'in_service', category: { name: '水电维修', photo_required: false },
  description: '水龙头漏水', household: { address: '观湖花园1栋1单元101室' },
  resident: { id: 11, nickname: '张阿姨', phone: '13900000001' },
  created_at: '2026-11-27T10:00:00+08:00', ...over,
});

/** wx.chooseMedia gives these temp files; wx.uploadFile answers 201 with an id per file. */
function stubPhotos(paths, ids) {
  wx.chooseMedia = jest.fn(({ success }) => success({ tempFiles: paths.map((p) => ({ tempFilePath: p })) }));
  wx.uploadFile = jest.fn(({ filePath, success }) => success({
    statusCode: 201, data: JSON.stringify({ id: ids[filePath], content_type: 'image/jpeg' }),
  }));
}

beforeEach(() => {
  resetAll();
  wx.setStorageSync('token', 'tok');
  orders.events.mockResolvedValue(page([]));
});

describe('完成服务（带照片）', () => {
  test('on the task page, the photos are uploaded first, then the completion names them', async () => {
    orders.get.mockResolvedValue(REQ());
    orders.complete.mockResolvedValue(REQ({ status: 'completed' }));
    stubPhotos(['wxfile://before.jpg', 'wxfile://after.jpg'], { 'wxfile://before.jpg': 31, 'wxfile://after.jpg': 32 });
    const task = loadPage('packages/partner/task/index', { id: '5' });
    await flush();
    await tap(task, '.complete');
    expect(text(task, '.task-form')).toContain('完成照片（最多 9 张，可不传）');
    await tap(task, '.add-photo');
    expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 9, mediaType: ['image'] });
    expect(all(task, '.photo')).toHaveLength(2);
    await tap(task, '.remove-photo', 0); // changed their mind about the first one
    expect(all(task, '.photo')).toHaveLength(1);
    await input(task, '.form-minutes', '90');
    await input(task, '.form-note', '更换了阀芯');
    await tap(task, '.submit-form');
    await flush();
    expect(wx.uploadFile).toHaveBeenCalledTimes(1);
    const upload = wx.uploadFile.mock.calls[0][0];
    expect(upload).toMatchObject({ url: `${config.baseUrl}/api/v1/files`, filePath: 'wxfile://after.jpg', name: 'file' });
    expect(upload.header.Authorization).toBe('Bearer tok');
    expect(orders.complete).toHaveBeenCalledWith(5, 90, '更换了阀芯', [32]);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已完成' }));
  }, 60000); // the first page of a file waits for wcc to compile the project

  test('a category that requires a photo is not completed without one', async () => {
    orders.get.mockResolvedValue(REQ({ category: { name: '家电维修', photo_required: true } }));
    stubPhotos(['wxfile://fixed.jpg'], { 'wxfile://fixed.jpg': 40 });
    orders.complete.mockResolvedValue({});
    const task = loadPage('packages/partner/task/index', { id: '5' });
    await flush();
    await tap(task, '.complete');
    expect(text(task, '.task-form')).toContain('至少 1 张');
    await input(task, '.form-minutes', '60');
    await tap(task, '.submit-form');
    expect(text(task, '.form-error')).toBe('该服务须上传完成照片');
    expect(orders.complete).not.toHaveBeenCalled();
    expect(wx.uploadFile).not.toHaveBeenCalled();
    await tap(task, '.add-photo');
    await tap(task, '.submit-form');
    await flush();
    expect(orders.complete).toHaveBeenCalledWith(5, 60, '', [40]);
  });

  test('a refused upload is shown and nothing is completed; a retry uploads only the rest', async () => {
    orders.get.mockResolvedValue(REQ());
    wx.chooseMedia = jest.fn(({ success }) => success({
      tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }, { tempFilePath: 'wxfile://b.jpg' }],
    }));
    let refuse = true;
    wx.uploadFile = jest.fn(({ filePath, success }) => {
      if (filePath === 'wxfile://b.jpg' && refuse) {
        success({
          statusCode: 422,
          data: JSON.stringify({ error: { code: 'unsupported_file', message: '仅支持图片或 PDF', details: {} } }),
        });
        return;
      }
      success({ statusCode: 201, data: JSON.stringify({ id: filePath === 'wxfile://a.jpg' ? 7 : 8 }) });
    });
    orders.complete.mockResolvedValue({});
    const task = loadPage('packages/partner/task/index', { id: '5' });
    await flush();
    await tap(task, '.complete');
    await tap(task, '.add-photo');
    await input(task, '.form-minutes', '30');
    await tap(task, '.submit-form');
    await flush();
    expect(orders.complete).not.toHaveBeenCalled();
    expect(wx.showToast).toHaveBeenCalled();
    // The form stays open with the photos; sending again uploads only the refused one.
    expect(all(task, '.photo')).toHaveLength(2);
    refuse = false;
    await tap(task, '.submit-form');
    await flush();
    expect(wx.uploadFile.mock.calls.map((c) => c[0].filePath)).toEqual(
      ['wxfile://a.jpg', 'wxfile://b.jpg', 'wxfile://b.jpg']);
    expect(orders.complete).toHaveBeenCalledWith(5, 30, '', [7, 8]);
  });

  test('the task list completes with photos too, and an API refusal keeps the form', async () => {
    // The list does not know this category requires a photo yet: the API says so.
    orders.list.mockResolvedValue(page([REQ({ id: 3, category: { name: '家电维修' } })]));
    stubPhotos(['wxfile://c.jpg'], { 'wxfile://c.jpg': 12 });
    orders.complete.mockRejectedValueOnce(new ApiError('photo_required', '该服务须上传完成照片', 422));
    orders.complete.mockResolvedValueOnce({});
    const tasks = loadPage('packages/partner/tasks/index');
    await flush();
    await tap(tasks, '.complete');
    await input(tasks, '.form-minutes', '45');
    await tap(tasks, '.submit-form');
    await flush();
    expect(orders.complete).toHaveBeenLastCalledWith(3, 45, '', []);
    expect(tasks.querySelector('.task-form')).toBeTruthy();
    await tap(tasks, '.add-photo');
    await tap(tasks, '.submit-form');
    await flush();
    expect(orders.complete).toHaveBeenLastCalledWith(3, 45, '', [12]);
    expect(tasks.querySelector('.task-form')).toBeFalsy();
  });
});
