// Small SVG charts (no chart library: the dashboard must stay light on modest phones and tablets). Each chart
// is a <figure> with a caption and the same figures as a table for screen readers.
import type { ReactNode } from 'react';

export interface BarDatum {
  label: string;
  value: number;
}

function nice(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function DataTable({ caption, rows, headers }: { caption: string; rows: ReactNode[][]; headers: string[] }) {
  return (
    <table className="ok-visually-hidden">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c}</td>))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BarChart({
  title,
  data,
  format = (v) => String(v),
  valueLabel,
  labelHeader,
  labelEvery = 1,
}: {
  title: string;
  data: BarDatum[];
  format?: (v: number) => string;
  valueLabel: string;
  /** Header of the labels' column in the screen-reader table (e.g. "Hour", "Day"). */
  labelHeader: string;
  /** Show one x label in this many (hours of a day: 3). */
  labelEvery?: number;
}) {
  // The bars are drawn in a stretched 0..n × 0..100 box; the text is HTML, so it never stretches or shrinks.
  const n = Math.max(1, data.length);
  const top = nice(Math.max(0, ...data.map((d) => d.value)));
  return (
    <figure className="ok-chart">
      <figcaption>{title}</figcaption>
      <div className="ok-plot" aria-hidden="true">
        <span className="ok-top">{format(top)}</span>
        <svg viewBox={`0 0 ${n} 100`} preserveAspectRatio="none">
          {data.map((d, i) => {
            const h = top > 0 ? (d.value / top) * 96 : 0;
            return <rect key={d.label} x={i + 0.15} y={100 - h} width={0.7} height={h} className="ok-bar" />;
          })}
          <line x1={0} x2={n} y1={100} y2={100} className="ok-axis" />
        </svg>
        <div className="ok-xlabels" style={{ gridTemplateColumns: `repeat(${n}, 1fr)` }}>
          {data.map((d, i) => (
            <span key={d.label}>{i % labelEvery === 0 ? d.label : ''}</span>
          ))}
        </div>
      </div>
      <DataTable caption={title} headers={[labelHeader, valueLabel]} rows={data.map((d) => [d.label, format(d.value)])} />
    </figure>
  );
}

export interface BandPoint {
  label: string;
  /** The observed value (history), if any. */
  actual?: number | null;
  /** Forecast median and 80 % band, if any. */
  q10?: number | null;
  q50?: number | null;
  q90?: number | null;
}

/** History as a line, the forecast as a dashed line inside its q10–q90 band. */
export function BandChart({
  title,
  points,
  format = (v) => String(v),
  headers,
}: {
  title: string;
  points: BandPoint[];
  format?: (v: number) => string;
  /** Table headers: label, actual, forecast, low, high. */
  headers: [string, string, string, string, string];
}) {
  const width = 100;
  const height = 100;
  const values = points.flatMap((p) => [p.actual, p.q90, p.q50].filter((v): v is number => typeof v === 'number'));
  const top = nice(Math.max(0, ...values));
  const plotH = height;
  const x = (i: number) => (points.length <= 1 ? 0 : (i / (points.length - 1)) * width);
  const y = (v: number) => plotH - (top > 0 ? (v / top) * (plotH - 4) : 0);
  const path = (pick: (p: BandPoint) => number | null | undefined) =>
    points
      .map((p, i) => [i, pick(p)] as const)
      .filter((e): e is readonly [number, number] => typeof e[1] === 'number')
      .map(([i, v], k) => `${k === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ');
  const band = points
    .map((p, i) => [i, p.q10, p.q90] as const)
    .filter((e): e is readonly [number, number, number] => typeof e[1] === 'number' && typeof e[2] === 'number');
  const bandPath = band.length
    ? `M${band.map(([i, , hi]) => `${x(i).toFixed(1)},${y(hi).toFixed(1)}`).join(' L')} L${[...band]
        .reverse()
        .map(([i, lo]) => `${x(i).toFixed(1)},${y(lo).toFixed(1)}`)
        .join(' L')} Z`
    : '';
  const last = points.length - 1;
  return (
    <figure className="ok-chart">
      <figcaption>{title}</figcaption>
      <div className="ok-plot" aria-hidden="true">
        <span className="ok-top">{format(top)}</span>
        <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none">
          {bandPath ? <path d={bandPath} className="ok-band" /> : null}
          <path d={path((p) => p.actual)} className="ok-line" />
          <path d={path((p) => p.q50)} className="ok-line ok-line-forecast" />
          <line x1={0} x2={width} y1={plotH} y2={plotH} className="ok-axis" />
        </svg>
        {points.length ? (
          <div className="ok-xends">
            <span>{points[0]!.label}</span>
            <span>{points[last]!.label}</span>
          </div>
        ) : null}
      </div>
      <DataTable
        caption={title}
        headers={headers}
        rows={points.map((p) => [
          p.label,
          p.actual == null ? '' : format(p.actual),
          p.q50 == null ? '' : format(p.q50),
          p.q10 == null ? '' : format(p.q10),
          p.q90 == null ? '' : format(p.q90),
        ])}
      />
    </figure>
  );
}
