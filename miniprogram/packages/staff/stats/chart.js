/**
 * Draws a monthly chart with uCharts (npm `@qiun/ucharts`, packed into this subpackage's own
 * miniprogram_npm, so the library never weighs on the main package) on a `<canvas type="2d">`.
 */
const uCharts = require('@qiun/ucharts');

const UCharts = uCharts.default || uCharts;

/** uCharts' options for `data` (from figures.chartData) on a canvas of `width`×`height` px. */
function options({ type, title, categories, data, elder }, width, height, pixelRatio) {
  const fontSize = elder ? 16 : 12;
  return {
    type,
    width: width * pixelRatio,
    height: height * pixelRatio,
    pixelRatio,
    categories,
    series: [{ name: title, data }],
    animation: false,
    background: '#FFFFFF',
    color: ['#b91c1c'],
    padding: [15, 15, 0, 5],
    fontSize,
    legend: { show: false },
    dataLabel: categories.length <= 6,
    xAxis: { disableGrid: true, fontSize, rotateLabel: categories.length > 6, rotateAngle: 45 },
    yAxis: { gridType: 'dash', data: [{ min: 0 }] },
    extra: { column: { width: 16 }, line: { type: 'straight', width: 2 } },
  };
}

/** Draw on the canvas `selector` of `page` (a Page or Component instance); resolves with the chart. */
function draw(page, selector, spec) {
  return new Promise((resolve, reject) => {
    page.createSelectorQuery().select(selector).fields({ node: true, size: true }).exec((res) => {
      const found = res && res[0];
      if (!found || !found.node) {
        reject(new Error(`no canvas ${selector}`));
        return;
      }
      const canvas = found.node;
      const pixelRatio = (wx.getWindowInfo ? wx.getWindowInfo() : wx.getSystemInfoSync()).pixelRatio || 1;
      canvas.width = found.width * pixelRatio;
      canvas.height = found.height * pixelRatio;
      const context = canvas.getContext('2d');
      resolve(new UCharts({ ...options(spec, found.width, found.height, pixelRatio), context }));
    });
  });
}

module.exports = { draw, options };
