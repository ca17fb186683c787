import { useEffect, useRef } from 'react';
import { appStore, type SeriesEntry, type ThumbnailImage } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';
import { selectSeries } from '../viewer/studyView.ts';
import { ensureThumbnail, forgetStudy } from './studyService.ts';

export const DEMO_LABEL = 'synthetic demo data - not for clinical use';

function Thumb({ image }: { image?: ThumbnailImage }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c || !image) return;
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
  }, [image]);
  return image ? <canvas ref={ref} className="thumb" aria-hidden /> : <div className="thumb empty" aria-hidden />;
}

function SeriesRow({ entry, selected }: { entry: SeriesEntry; selected: boolean }) {
  const { item } = entry;
  const phases = item.phases.length;
  return (
    <li
      data-testid="series-item"
      data-series-key={entry.key}
      data-slices={item.slices}
      data-phases={phases}
      data-rows={item.rows}
      data-columns={item.columns}
      data-kind={item.kind}
      data-frame-type={item.frameType ?? ''}
      className={selected ? 'series selected' : 'series'}
      aria-selected={selected}
      onClick={() => void selectSeries(entry.key)}
    >
      <Thumb image={entry.thumbnail} />
      <div className="series-text">
        <div className="series-title">
          {item.kind === 'dce' && <span className="badge">DCE</span>}
          {item.seriesDescription || `Series ${item.seriesNumber}`}
        </div>
        <div className="series-meta">
          {item.modality} · {item.columns}x{item.rows} · {item.slices} slices
          {phases > 1 ? ` x ${phases} phases` : ''}
          {entry.loadedPhases.length > 0 && phases > 1 && entry.loadedPhases.length < phases
            ? ` (${entry.loadedPhases.length} loaded)`
            : ''}
        </div>
        {item.annotations.map((a) => (
          <div className="series-annotation" key={a.sopInstanceUID} data-testid="series-annotation">
            {a.kind}: {a.label || a.roiNames.join(', ')}
          </div>
        ))}
        {entry.error && (
          <div className="series-error" role="alert">
            {entry.error}
          </div>
        )}
      </div>
    </li>
  );
}

/** Studies and their series (a DCE study is one item), with thumbnails and problems. */
export function SeriesList() {
  const studies = useStore(appStore, (s) => s.studies);
  const series = useStore(appStore, (s) => s.series);
  const selected = useStore(appStore, (s) => s.selectedSeriesKey);

  // Thumbnails of series not shown yet, one at a time, after the shown one is decoded.
  useEffect(() => {
    const missing = series.find((e) => !e.thumbnail && !e.error && e.key !== selected);
    if (!missing) return;
    const t = setTimeout(() => void ensureThumbnail(missing.key), 300);
    return () => clearTimeout(t);
  }, [series, selected]);

  if (studies.length === 0) {
    return <p className="placeholder">No study yet: open DICOM files or a folder, or drop them here.</p>;
  }
  return (
    <div className="study-list">
      {studies.map((study) => (
        <section className="study" key={study.key} data-testid="study" data-demo={study.demo ? 'true' : 'false'}>
          <header className="study-header">
            <div>
              <div className="study-title">{study.patientName || study.patientId || 'Anonymous'}</div>
              <div className="study-meta">
                {study.description || 'Study'} {study.date && `· ${study.date}`}
                {study.persisted ? ' · saved in this browser' : ''}
              </div>
              {study.demo && <div className="demo-label">{DEMO_LABEL}</div>}
            </div>
            <button
              className="small"
              data-testid="forget-study"
              title="Remove this study from the list and from the browser's storage"
              onClick={() => void forgetStudy(study.key)}
            >
              Forget study
            </button>
          </header>
          <ul className="series-list">
            {series
              .filter((e) => e.studyKey === study.key)
              .map((e) => (
                <SeriesRow key={e.key} entry={e} selected={e.key === selected} />
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
