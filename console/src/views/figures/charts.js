// ECharts, only what the dashboard draws (tree-shaken; Vite puts it in its own chunk, loaded
// with this screen only).
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent,
  CanvasRenderer])

export default echarts
