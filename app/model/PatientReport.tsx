/**
 * The one-page patient report, printed to PDF from the browser: patient and study, the ROI
 * snapshot (the axial viewport's canvas), the TIC curve, rad-score, probability, the nomogram
 * with the patient marked, and the model's provenance. It lives in a node under <body> that
 * only the print stylesheet shows.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { ModelJson } from '../../workers/stats/model-json.ts';
import type { PatientScore } from '../../workers/stats/model-worker-api.ts';
import { roiBoxCenter } from '../../workers/cohort/roi-center.ts';
import { indexToPhysical } from '../../workers/io/volume.ts';
import { useStore } from '../store/createStore.ts';
import { getRoiMask } from '../viewer/roi.ts';
import { showPhase } from '../viewer/studyView.ts';
import { jumpToWorld, onRender, renderNow } from '../viewer/viewerService.ts';
import { viewerStore } from '../viewer/viewerStore.ts';
import { computeTicFor, patientInputStore, type CurrentPatient } from './currentPatient.ts';
import { f3, nomogramFigure, ticFigure } from './figures.ts';
import { Provenance } from './ModelPicker.tsx';
import { DEMO_MODEL_ID, modelStore } from './modelService.ts';
import { figureToImage } from './PlotlyChart.tsx';

interface Images {
  roi: string | null;
  tic: string | null;
  nomogram: string;
}

/** Shows the lesion: phase 2 (the study's) at the centre of reader 1's ROI, then one drawn frame. */
async function showLesion(seriesKey: string): Promise<void> {
  const mask = getRoiMask(seriesKey, 1);
  const center = mask && roiBoxCenter(mask);
  if (!mask || !center || viewerStore.get().seriesKey !== seriesKey) return;
  await showPhase(2);
  const drawn = new Promise<void>((resolve) => {
    const off = onRender(() => {
      off();
      resolve();
    });
    setTimeout(resolve, 2000);
  });
  jumpToWorld(indexToPhysical(mask, ...center));
  renderNow();
  await drawn;
}

function axialSnapshot(): string | null {
  const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewport-axial"] canvas');
  try {
    return canvas && canvas.width > 0 ? canvas.toDataURL('image/png') : null;
  } catch {
    return null;
  }
}

let root: HTMLDivElement | null = null;
function reportRoot(): HTMLDivElement {
  if (!root) {
    root = document.createElement('div');
    root.className = 'print-report-root';
    document.body.appendChild(root);
  }
  return root;
}

export function PatientReport({ model, patient, score }: { model: ModelJson; patient: CurrentPatient; score: PatientScore }) {
  const [images, setImages] = useState<Images | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tic = useStore(patientInputStore, (s) => s.tic[patient.seriesKey]);
  const activeId = useStore(modelStore, (s) => s.activeId);
  useEffect(() => setImages(null), [patient.seriesKey, score]);

  const prepare = async (print: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (!patientInputStore.get().tic[patient.seriesKey]?.result) await computeTicFor(patient.seriesKey);
      const t = patientInputStore.get().tic[patient.seriesKey]?.result ?? null;
      const nomo = nomogramFigure(model, { values: { ...patient.clinical, radscore: score.radscore }, points: score.points, totalPoints: score.total_points, probability: score.probability_nomogram });
      await showLesion(patient.seriesKey);
      const imgs: Images = {
        roi: axialSnapshot(),
        tic: t ? await figureToImage(ticFigure(t), 360, 240) : null,
        nomogram: await figureToImage(nomo, 720),
      };
      setImages(imgs);
      if (print) setTimeout(() => window.print(), 50);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const p = score.probability_nomogram;
  return (
    <>
      <div className="cohort-actions">
        <button className="small" onClick={() => void prepare(true)} disabled={busy} data-testid="print-report">
          {busy ? 'Preparing the report...' : 'Patient report (print / PDF)'}
        </button>
        {error && <span className="error">{error}</span>}
      </div>
      {images &&
        createPortal(
          <div className="print-report" data-testid="patient-report">
            <h2>HER2-low probability: patient report</h2>
            <p className="research-label">For research use only: not a medical device, not for clinical decisions.{activeId === DEMO_MODEL_ID || patient.demo ? ' Synthetic demo data - not for clinical use.' : ''}{model.provenance.synthetic ? ' The model was trained on synthetic data.' : ''}</p>
            <table>
              <tbody>
                <tr>
                  <td>Patient</td>
                  <td>
                    {patient.patientName} ({patient.patientId})
                  </td>
                </tr>
                <tr>
                  <td>Study</td>
                  <td>
                    {patient.description} · {patient.studyDate} · {patient.studyInstanceUID}
                  </td>
                </tr>
                <tr>
                  <td>HER2-low probability</td>
                  <td data-testid="report-probability" data-value={String(p)}>
                    <b>{(p * 100).toFixed(1)} %</b> → {score.class_nomogram ? 'HER2-low' : 'HER2-zero'} at the cut-off {f3(model.models.nomogram.metrics.train.cutoff)}
                  </td>
                </tr>
                <tr>
                  <td>Rad-score</td>
                  <td>{score.radscore.toFixed(4)}</td>
                </tr>
                <tr>
                  <td>TIC</td>
                  <td>{tic?.result ? `type ${['', 'I', 'II', 'III'][tic.result.type]} (${tic.result.typeName}) from the ROI` : ''}{Number.isFinite(patient.clinical.tic) ? ` · model input: type ${['', 'I', 'II', 'III'][patient.clinical.tic]}` : ''}</td>
                </tr>
              </tbody>
            </table>
            <div className="report-images">
              {images.roi && <img src={images.roi} alt="ROI on the axial slice" className="report-roi" />}
              {images.tic && <img src={images.tic} alt="time-intensity curve" className="report-tic" />}
            </div>
            <img src={images.nomogram} alt="nomogram with the patient marked" className="report-nomogram" />
            <Provenance m={model} demo={activeId === DEMO_MODEL_ID} />
          </div>,
          reportRoot(),
        )}
    </>
  );
}
