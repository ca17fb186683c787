/**
 * One plotly.js figure (plotly.js-dist-min, loaded on first use) with PNG and SVG export
 * (Plotly.downloadImage). The element with `testId` holds the plot; it gets
 * data-rendered="1" once drawn.
 */
import { useEffect, useRef, useState } from 'react';
import type { Figure } from './figures.ts';

type PlotlyModule = typeof import('plotly.js-dist-min');
let plotly: Promise<PlotlyModule> | null = null;
export function loadPlotly(): Promise<PlotlyModule> {
  plotly ??= import('plotly.js-dist-min').then((m) => ((m as unknown as { default?: PlotlyModule }).default ?? m) as PlotlyModule);
  return plotly;
}

/** A figure as a PNG data URL (for the printed report). */
export async function figureToImage(figure: Figure, width: number, height?: number): Promise<string> {
  const Plotly = await loadPlotly();
  const div = document.createElement('div');
  div.style.position = 'fixed';
  div.style.left = '-10000px';
  div.style.width = `${width}px`;
  document.body.appendChild(div);
  try {
    await Plotly.newPlot(div, figure.data, { ...figure.layout, width, height: height ?? figure.layout.height }, { staticPlot: true });
    return await Plotly.toImage(div, { format: 'png', width, height: height ?? (figure.layout.height as number) ?? 400 });
  } finally {
    Plotly.purge(div);
    div.remove();
  }
}

export function PlotlyChart({ figure, testId, filename }: { figure: Figure; testId: string; filename: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [rendered, setRendered] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    void loadPlotly()
      .then(async (Plotly) => {
        if (cancelled || !el) return;
        await Plotly.react(el, figure.data, figure.layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'sendChartToCloud'] });
        if (!cancelled) setRendered(true);
      })
      .catch((e: Error) => setError(`the plot could not be drawn: ${e.message}`));
    return () => {
      cancelled = true;
    };
  }, [figure]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      void loadPlotly().then((Plotly) => {
        if (el.isConnected && el.offsetWidth > 0 && (el as unknown as { data?: unknown }).data) void Plotly.Plots.resize(el);
      });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);
  const save = (format: 'png' | 'svg') => {
    const el = ref.current;
    if (!el) return;
    void loadPlotly().then((Plotly) =>
      Plotly.downloadImage(el, { format, filename, width: Math.max(el.offsetWidth, 700), height: (figure.layout.height as number) ?? 400 }),
    );
  };
  return (
    <div className="plot">
      <div ref={ref} data-testid={testId} data-rendered={rendered ? '1' : '0'} />
      <div className="plot-export">
        <button className="small" onClick={() => save('png')} data-testid={`${testId}-png`} disabled={!rendered}>
          PNG
        </button>
        <button className="small" onClick={() => save('svg')} data-testid={`${testId}-svg`} disabled={!rendered}>
          SVG
        </button>
      </div>
      {error && <p className="error">{error}</p>}
    </div>
  );
}
