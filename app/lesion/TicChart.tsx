/**
 * The lesion's time-intensity curve (plotly.js, loaded on first use): mean signal per
 * phase, the initial and delayed phases marked, the type and its change in the title.
 */
import { useEffect, useRef } from 'react';
import type { TicResult } from '../../workers/dce/tic.ts';

type PlotlyModule = typeof import('plotly.js-dist-min');
let plotly: Promise<PlotlyModule> | null = null;
function loadPlotly(): Promise<PlotlyModule> {
  plotly ??= import('plotly.js-dist-min').then((m) => ((m as unknown as { default?: PlotlyModule }).default ?? m) as PlotlyModule);
  return plotly;
}

const TYPE_LABEL = { 1: 'Type I (persistent)', 2: 'Type II (plateau)', 3: 'Type III (washout)' } as const;

export function TicChart({ result }: { result: TicResult }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    void loadPlotly().then((Plotly) => {
      if (cancelled || !ref.current) return;
      const curve = result.typedCurve === 'hotSpot' && result.hotSpot ? result.hotSpot : result.roi;
      const x = result.times ?? curve.signal.map((_, k) => k);
      const xTitle = result.times ? 'seconds from contrast (t0)' : 'phase';
      const marks = [
        { k: result.initialPhase, name: 'initial (S_init)', color: '#4aa3ff' },
        { k: result.delayedPhase, name: 'delayed (S_del)', color: '#ffc857' },
      ];
      void Plotly.react(
        ref.current,
        [
          {
            x,
            y: curve.signal,
            text: result.phaseLabels,
            mode: 'lines+markers',
            name: 'mean signal',
            line: { color: '#e64a4a' },
            hovertemplate: '%{text}: %{y:.1f}<extra></extra>',
          },
          ...marks.map((m) => ({
            x: [x[m.k]],
            y: [curve.signal[m.k]],
            mode: 'markers' as const,
            name: m.name,
            marker: { size: 12, symbol: 'circle-open', color: m.color, line: { width: 2 } },
          })),
        ],
        {
          title: { text: `${TYPE_LABEL[result.type]} · change ${(result.change * 100).toFixed(1)} %`, font: { size: 12 } },
          margin: { l: 48, r: 8, t: 32, b: 80 },
          height: 260,
          paper_bgcolor: 'rgba(0,0,0,0)',
          plot_bgcolor: 'rgba(0,0,0,0)',
          font: { color: '#d8dde3', size: 11 },
          xaxis: { title: { text: xTitle }, gridcolor: '#2c333c' },
          yaxis: { title: { text: 'signal' }, gridcolor: '#2c333c' },
          legend: { orientation: 'h', x: 0, y: -0.32, yanchor: 'top', font: { size: 10 } },
          showlegend: true,
        },
        { displayModeBar: false, responsive: true },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [result]);
  return <div ref={ref} className="tic-chart" data-testid="tic-chart" data-tic-type={result.type} />;
}
