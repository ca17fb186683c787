/**
 * The lesion's time-intensity curve (plotly.js, loaded on first use): mean signal or %
 * enhancement per phase, the initial and delayed phases marked, the type and its change in
 * the title.
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

/**
 * The typed curve (the hot spot's when asked, else the ROI's) as signal or as % enhancement,
 * its initial and delayed phases marked on it; with a hot spot the whole ROI's curve is drawn
 * dotted beside it.
 */
export function TicChart({ result, relative }: { result: TicResult; relative: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    void loadPlotly().then((Plotly) => {
      if (cancelled || !ref.current) return;
      const hot = result.typedCurve === 'hotSpot' && result.hotSpot ? result.hotSpot : null;
      const curve = hot ?? result.roi;
      const yOf = (c: { signal: number[]; enhancement: number[] }) => (relative ? c.enhancement : c.signal);
      const y = yOf(curve);
      const x = result.times ?? curve.signal.map((_, k) => k);
      const xTitle = result.times ? 'seconds from contrast (t0)' : 'phase';
      const yTitle = relative ? '% enhancement over pre-contrast' : 'mean signal';
      const hover = relative ? '%{text}: %{y:.1f} %<extra></extra>' : '%{text}: %{y:.1f}<extra></extra>';
      const spec = hot ? (hot.spec.kind === 'cube' ? `${hot.spec.voxels}x${hot.spec.voxels}x${hot.spec.voxels}` : `${hot.spec.diameterMm} mm`) : '';
      const marks = [
        { k: result.initialPhase, name: 'initial (S_init)', color: '#4aa3ff' },
        { k: result.delayedPhase, name: 'delayed (S_del)', color: '#ffc857' },
      ];
      void Plotly.react(
        ref.current,
        [
          {
            x,
            y,
            text: result.phaseLabels,
            mode: 'lines+markers',
            name: hot ? `hot spot (${spec})` : 'ROI mean',
            line: { color: '#e64a4a' },
            hovertemplate: hover,
          },
          ...marks.map((m) => ({
            x: [x[m.k]],
            y: [y[m.k]],
            mode: 'markers' as const,
            name: m.name,
            marker: { size: 12, symbol: 'circle-open', color: m.color, line: { width: 2 } },
            hoverinfo: 'skip' as const,
          })),
          ...(hot
            ? [
                {
                  x,
                  y: yOf(result.roi),
                  text: result.phaseLabels,
                  mode: 'lines' as const,
                  name: 'whole ROI',
                  line: { color: '#9aa4ae', dash: 'dot' as const },
                  hovertemplate: hover,
                },
              ]
            : []),
        ],
        {
          title: { text: `${TYPE_LABEL[result.type]} · change ${(result.change * 100).toFixed(1)} %${hot ? ' · hot spot' : ''}`, font: { size: 12 } },
          margin: { l: 48, r: 8, t: 32, b: 80 },
          height: 260,
          paper_bgcolor: 'rgba(0,0,0,0)',
          plot_bgcolor: 'rgba(0,0,0,0)',
          font: { color: '#d8dde3', size: 11 },
          xaxis: { title: { text: xTitle }, gridcolor: '#2c333c' },
          yaxis: { title: { text: yTitle }, gridcolor: '#2c333c', ticksuffix: relative ? ' %' : '' },
          legend: { orientation: 'h', x: 0, y: -0.32, yanchor: 'top', font: { size: 10 } },
          showlegend: true,
        },
        { displayModeBar: false, responsive: true },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [result, relative]);
  return <div ref={ref} className="tic-chart" data-testid="tic-chart" data-tic-type={result.type} data-relative={relative} />;
}
