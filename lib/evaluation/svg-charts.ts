/**
 * Small inline SVG charts for the HTML report: a heat map, line and scatter plots with axes, and bars. No
 * scripts, no external fonts: every chart is a string of SVG that renders offline.
 */

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Axis ranges. @default [0, 1] each */
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  /** A dashed reference line: the diagonal y = x, or a horizontal line at y = 0. */
  readonly reference?: 'diagonal' | 'zero';
  /** A dashed horizontal line at this y, e.g. the evaluation's figure on a chart of live figures over time. */
  readonly level?: number;
}

const WIDTH = 360;
const HEIGHT = 300;
const MARGIN = { left: 52, right: 14, top: 28, bottom: 44 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const r2 = (v: number): string => (Math.round(v * 100) / 100).toString();

function scaler(options: PlotOptions): { sx: (x: number) => number; sy: (y: number) => number } {
  const [x0, x1] = options.xRange ?? [0, 1];
  const [y0, y1] = options.yRange ?? [0, 1];
  return {
    sx: (x) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * PLOT_W,
    sy: (y) => MARGIN.top + PLOT_H - ((y - y0) / (y1 - y0 || 1)) * PLOT_H,
  };
}

const tickText = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

function frame(options: PlotOptions, body: string): string {
  const { sx, sy } = scaler(options);
  const [x0, x1] = options.xRange ?? [0, 1];
  const [y0, y1] = options.yRange ?? [0, 1];
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const xTicks = ticks.map((t) => x0 + t * (x1 - x0));
  const yTicks = ticks.map((t) => y0 + t * (y1 - y0));
  let reference = '';
  if (options.reference === 'diagonal') {
    const lo = Math.max(x0, y0);
    const hi = Math.min(x1, y1);
    reference = `<line x1="${r2(sx(lo))}" y1="${r2(sy(lo))}" x2="${r2(sx(hi))}" y2="${r2(sy(hi))}" class="ref"/>`;
  } else if (options.reference === 'zero') {
    reference = `<line x1="${MARGIN.left}" y1="${r2(sy(0))}" x2="${MARGIN.left + PLOT_W}" y2="${r2(sy(0))}" class="ref"/>`;
  }
  if (options.level !== undefined) {
    reference += `<line x1="${MARGIN.left}" y1="${r2(sy(options.level))}" x2="${MARGIN.left + PLOT_W}" y2="${r2(sy(options.level))}" class="ref level"/>`;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<text x="${WIDTH / 2}" y="16" class="chart-title">${escapeHtml(options.title)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" class="plot"/>`,
    ...xTicks.map((v) => `<text x="${r2(sx(v))}" y="${MARGIN.top + PLOT_H + 14}" class="tick">${tickText(v)}</text>`),
    ...yTicks.map((v) => `<text x="${MARGIN.left - 6}" y="${r2(sy(v) + 4)}" class="tick end">${tickText(v)}</text>`),
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 8}" class="axis">${escapeHtml(options.xLabel)}</text>`,
    `<text x="14" y="${MARGIN.top + PLOT_H / 2}" class="axis" transform="rotate(-90 14 ${MARGIN.top + PLOT_H / 2})">${escapeHtml(options.yLabel)}</text>`,
    reference,
    body,
    '</svg>',
  ].join('');
}

/** A line through the points (ROC, PR, reliability curve), with a dot on each point when there are few. */
export function lineChart(points: readonly Point[], options: PlotOptions): string {
  const { sx, sy } = scaler(options);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r2(sx(p.x))},${r2(sy(p.y))}`).join(' ');
  const dots = points.length <= 30 ? points.map((p) => `<circle cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="3" class="dot"/>`).join('') : '';
  return frame(options, `<path d="${path}" class="line"/>${dots}`);
}

/** A scatter plot (predicted vs actual, residuals). */
export function scatterChart(points: readonly Point[], options: PlotOptions): string {
  const { sx, sy } = scaler(options);
  return frame(options, points.map((p) => `<circle cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="2.5" class="dot faint"/>`).join(''));
}

/** A padded range covering every value. */
export function rangeOf(values: readonly number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

/** The confusion matrix as a heat map: darker cells hold a larger share of their true label's rows. */
export function heatMap(labels: readonly string[], matrix: readonly (readonly number[])[]): string {
  const cell = Math.max(36, Math.min(64, Math.floor(420 / Math.max(1, labels.length))));
  const left = 110;
  const top = 60;
  const width = left + cell * labels.length + 10;
  const height = top + cell * labels.length + 20;
  const cells = matrix.flatMap((row, i) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return row.map((n, j) => {
      const share = total === 0 ? 0 : n / total;
      const light = Math.round(97 - share * 62);
      const text = share > 0.55 ? 'light' : 'dark';
      return (
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" style="fill:hsl(210,70%,${light}%)" class="cell"/>` +
        `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 5}" class="count ${text}">${n}</text>`
      );
    });
  });
  const columnLabels = labels.map((l, j) => `<text x="${left + j * cell + cell / 2}" y="${top - 8}" class="tick">${escapeHtml(l)}</text>`);
  const rowLabels = labels.map((l, i) => `<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" class="tick end">${escapeHtml(l)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Confusion matrix">`,
    '<title>Confusion matrix: rows are the true label, columns the predicted label</title>',
    `<text x="${left + (cell * labels.length) / 2}" y="22" class="axis">predicted label</text>`,
    `<text x="12" y="${top + (cell * labels.length) / 2}" class="axis" transform="rotate(-90 12 ${top + (cell * labels.length) / 2})">true label</text>`,
    ...columnLabels,
    ...rowLabels,
    ...cells,
    '</svg>',
  ].join('');
}

/** A horizontal bar for a value in [0, max], as inline SVG for a table cell. */
export function bar(value: number, max: number, failing = false): string {
  const width = 120;
  const filled = max <= 0 || !Number.isFinite(value) ? 0 : Math.max(0, Math.min(1, value / max)) * width;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="12" class="bar" aria-hidden="true"><rect width="${width}" height="12" class="track"/><rect width="${r2(filled)}" height="12" class="${failing ? 'fill fail' : 'fill'}"/></svg>`;
}
