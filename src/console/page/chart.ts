import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A time-series line chart (uPlot): x in epoch seconds, one line per series. */
export interface LineChart {
  setData(x: number[], ys: number[][]): void;
  destroy(): void;
}

export interface SeriesSpec {
  label: string;
  color: string;
  dash?: number[];
}

export function lineChart(
  container: HTMLElement,
  series: SeriesSpec[],
  options: { height?: number; yLabel: string; bars?: boolean },
): LineChart {
  const width = () => Math.max(320, container.clientWidth || 640);
  const plot = new uPlot(
    {
      width: width(),
      height: options.height ?? 220,
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          points: { show: false },
        })),
      ],
      axes: [{}, { label: options.yLabel }],
      scales: { x: { time: true } },
      legend: { live: true },
    },
    [[], ...series.map(() => [])],
    container,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: options.height ?? 220 }));
  resize.observe(container);
  return {
    setData: (x, ys) => plot.setData([x, ...ys]),
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
