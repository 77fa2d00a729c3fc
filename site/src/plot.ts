// uPlot with the page's defaults: numeric x, no drag-to-zoom, the width of its container.
import uPlot from 'uplot';

export { uPlot };
export const COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#57534e', '#65a30d'];

/** v with d decimals; a value that rounds to zero prints as 0.000…, never -0.000… (toFixed keeps the sign of -0 and of -0.00001). */
export function fixed(v: number, d = 4): string {
  const s = v.toFixed(d);
  return Number(s) === 0 ? s.replace('-', '') : s;
}

export function plot(el: HTMLElement, opts: Omit<uPlot.Options, 'width' | 'height'> & { height?: number }, data: uPlot.AlignedData): uPlot {
  const height = opts.height ?? 300;
  const u = new uPlot({
    ...opts,
    // the legend's values at the cursor: uPlot's default formatter prints -0 for small negatives
    series: opts.series.map((s, i) => (i === 0 || s.value ? s : { ...s, value: (_u: uPlot, v: number | null, _s: number, idx: number | null) => (idx == null ? '--' : v == null ? '' : fixed(v)) })),
    width: el.clientWidth || 600,
    height,
    scales: { x: { time: false }, ...opts.scales },
    cursor: { drag: { x: false, y: false, setScale: false }, ...opts.cursor },
  }, data, el);
  new ResizeObserver(() => { if (el.clientWidth > 0 && el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height }); }).observe(el);
  return u;
}

/** A vertical dashed line at x = value, drawn on the plot's canvas (for a uPlot draw hook). */
export function vline(u: uPlot, value: number, color = '#475569'): void {
  const x = u.valToPos(value, 'x', true);
  const { ctx, bbox } = u;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
  ctx.beginPath();
  ctx.moveTo(x, bbox.top);
  ctx.lineTo(x, bbox.top + bbox.height);
  ctx.stroke();
  ctx.restore();
}
