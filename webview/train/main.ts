/**
 * Entry of the training / gradient-check panel (bundled to dist/webview/train.js + train.css).
 * Plots loss per iteration and train/test accuracy per epoch with uPlot as the host streams them,
 * and shows the gradient check as a per-leaf table. Talks only through `src/shared/protocol.ts`.
 */
import 'uplot/dist/uPlot.min.css';
import './train.css';
import uPlot from 'uplot';
import type { EpochReport, GradCheckReport, TrainHostToWebview, TrainRunInfo, TrainWebviewToHost } from '../../src/shared/protocol';
import { decimateLosses } from './decimate';
import { t } from './strings';
import { h as el } from '../dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
const vscodeApi: VsCodeApi = (() => {
  const g = globalThis as { acquireVsCodeApi?: () => VsCodeApi };
  return typeof g.acquireVsCodeApi === 'function' ? g.acquireVsCodeApi() : { postMessage: () => undefined };
})();
function post(msg: TrainWebviewToHost): void {
  vscodeApi.postMessage(msg);
}


/** A `--vscode-*` colour from the current theme, with a fallback outside VS Code. */
function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

const GOOD_DIFF = 1e-6;
/** Tick steps for whole-number axes (iterations, epochs). */
const WHOLE_INCREMENTS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p)).sort((a, b) => a - b);
/** Points drawn at most on the loss chart. */
const MAX_LOSS_POINTS = 1500;

function fmtDiff(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === 0) return '0';
  return x.toExponential(2);
}

function fmtNum(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(8);
}

class TrainingPanel {
  private readonly root: HTMLElement;
  private readonly status = el('div', 'status');
  private readonly details = el('div', 'details');
  private readonly buttons = el('div', 'buttons');
  private readonly cancelButton = el('button', 'button secondary');
  private readonly openButton = el('button', 'button');
  private readonly againButton = el('button', 'button secondary');
  private readonly lossBox = el('div', 'chart');
  private readonly accBox = el('div', 'chart');
  private readonly epochTable = el('table', 'epochs');
  private readonly gradBox = el('section', 'gradcheck');
  /** Everything of a training run: shown only once there is one (a gradient check alone shows no empty charts). */
  private readonly trainingBox = el('section', 'training');
  private readonly heading = el('h1');
  private readonly subtitle = el('p', 'subtitle');
  private readonly lossReadout = el('div', 'readout');
  private readonly accReadout = el('div', 'readout');
  private lossChart: uPlot | undefined;
  private accChart: uPlot | undefined;
  private run: TrainRunInfo | null = null;
  /** Every loss received, for iterations 1, 2, … (the chart draws a decimated view of it). */
  private losses: number[] = [];
  private plottedIterations = 0;
  private plottedEpochs = 0;
  private epochs: EpochReport[] = [];
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private gradcheck: GradCheckReport | null = null;
  private gradcheckRunning = false;
  private gradcheckFile = '';
  private gradcheckError = '';

  constructor(root: HTMLElement) {
    this.root = root;
    this.cancelButton.addEventListener('click', () => post({ type: 'cancel' }));
    this.openButton.addEventListener('click', () => post({ type: 'openGraph' }));
    this.againButton.addEventListener('click', () => post({ type: 'trainAgain' }));
    new ResizeObserver(() => this.resize()).observe(document.body);
    // Theme switches change the body's class: rebuild the charts with the new colours.
    new MutationObserver(() => this.rebuildCharts()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    window.addEventListener('message', (e: MessageEvent<TrainHostToWebview>) => this.receive(e.data));
    post({ type: 'ready' });
  }

  private build(): void {
    this.root.replaceChildren();
    const header = el('header');
    header.append(this.heading, this.subtitle);
    this.cancelButton.textContent = t('cancel');
    this.openButton.textContent = t('openGraph');
    this.againButton.textContent = t('trainAgain');
    this.buttons.replaceChildren(this.cancelButton, this.openButton, this.againButton);
    const charts = el('div', 'charts');
    const lossFig = el('figure');
    lossFig.append(el('figcaption', undefined, t('loss')), this.lossReadout, this.lossBox);
    const accFig = el('figure');
    accFig.append(el('figcaption', undefined, t('accuracy')), this.accReadout, this.accBox);
    charts.append(lossFig, accFig);
    const epochsWrap = el('div', 'epochs-wrap');
    epochsWrap.append(this.epochTable);
    this.trainingBox.replaceChildren(this.status, this.details, this.buttons, charts, epochsWrap);
    // The gradient check first: it is what was asked for last when it is there at all.
    this.root.append(header, this.gradBox, this.trainingBox);
    this.layout();
    this.rebuildCharts();
  }

  private get hasGradcheck(): boolean {
    return this.gradcheckRunning || this.gradcheck !== null || this.gradcheckError !== '' || this.gradcheckFile !== '';
  }

  /** Which sections show: a gradient check alone gets the page to itself, titled as such. */
  private layout(): void {
    const grad = this.hasGradcheck;
    const training = this.run !== null || !grad;
    const wasHidden = this.trainingBox.hidden;
    this.gradBox.hidden = !grad;
    this.trainingBox.hidden = !training;
    this.root.dataset.view = grad && !training ? 'gradcheck' : grad ? 'both' : 'training';
    this.heading.textContent = training ? t('title') : t('gradcheck');
    this.subtitle.textContent = training ? t('subtitle') : t('gradcheckSubtitle');
    // Charts drawn while hidden have no width: size them now that they show.
    if (wasHidden && training) this.resize();
  }

  private receive(msg: TrainHostToWebview): void {
    if (typeof msg !== 'object' || msg === null) return;
    switch (msg.type) {
      case 'init':
        this.run = msg.run;
        this.losses = [...msg.losses];
        this.epochs = [...msg.epochs];
        this.gradcheck = msg.gradcheck;
        this.gradcheckRunning = msg.gradcheckRunning;
        this.build();
        this.renderRun();
        this.renderEpochs();
        this.renderGradcheck();
        this.scheduleRedraw();
        break;
      case 'run':
        if (this.run?.runId !== msg.run.runId) {
          this.losses = [];
          this.epochs = [];
          this.renderEpochs();
          this.scheduleRedraw();
        }
        this.run = msg.run;
        this.layout();
        this.renderRun();
        break;
      case 'progress':
        if (msg.runId !== this.run?.runId) return;
        // Iterations arrive in order from 1; place them by the given start so nothing can shift.
        for (let i = 0; i < msg.losses.length; i++) this.losses[msg.firstIteration - 1 + i] = msg.losses[i];
        if (msg.epochs.length > 0) {
          this.epochs.push(...msg.epochs);
          this.renderEpochs();
        }
        this.scheduleRedraw();
        break;
      case 'gradcheck':
        this.gradcheck = msg.report;
        this.gradcheckRunning = msg.running;
        this.gradcheckFile = msg.fileName ?? this.gradcheck?.fileName ?? '';
        this.gradcheckError = msg.error ?? '';
        this.layout();
        this.renderGradcheck();
        if (msg.running || msg.report) this.gradBox.scrollIntoView({ block: 'nearest' });
        break;
    }
  }

  // --- charts -------------------------------------------------------------------------------------

  private chartSize(box: HTMLElement): { width: number; height: number } {
    const width = Math.max(240, Math.floor(box.clientWidth || 400));
    return { width, height: Math.max(160, Math.min(260, Math.floor(width * 0.5))) };
  }

  private rebuildCharts(): void {
    this.lossChart?.destroy();
    this.accChart?.destroy();
    const fg = themeColor('--vscode-foreground', '#cccccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
    const blue = themeColor('--vscode-charts-blue', '#3794ff');
    const orange = themeColor('--vscode-charts-orange', '#d18616');
    const green = themeColor('--vscode-charts-green', '#89d185');
    const font = `12px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    const axis = (label: string): uPlot.Axis => ({ stroke: fg, label, labelFont: font, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } });
    // Iterations and epochs are whole numbers: ticks only at 1, 2, 5 × 10^k, never 2.5.
    // The ticks drawn are also left on the chart's box (data-x-ticks), as its points are.
    const wholeAxis = (label: string, box: HTMLElement): uPlot.Axis => ({
      ...axis(label),
      incrs: WHOLE_INCREMENTS,
      values: (_u, splits) => {
        box.dataset.xTicks = splits.join(',');
        return splits.map((v) => v.toLocaleString());
      },
    });
    this.lossChart = new uPlot(
      {
        ...this.chartSize(this.lossBox),
        scales: { x: { time: false } },
        legend: { show: false },
        cursor: { drag: { x: true, y: false } },
        series: [{ label: t('iteration') }, { label: t('lossSeries'), stroke: blue, width: 1, points: { show: false } }],
        axes: [wholeAxis(t('iteration'), this.lossBox), axis(t('lossSeries'))],
        hooks: { setCursor: [(u) => this.readout(u, this.lossReadout)], setData: [(u) => this.readout(u, this.lossReadout)] },
      },
      this.lossData(),
      this.lossBox,
    );
    // Points mark each epoch while they are few; a long run on small data is drawn as lines only.
    const showPoints = (u: uPlot, seriesIdx: number): boolean => (u.data[seriesIdx]?.length ?? 0) <= 40;
    this.accChart = new uPlot(
      {
        ...this.chartSize(this.accBox),
        scales: { x: { time: false }, y: { range: [0, 1] } },
        series: [
          { label: t('epoch') },
          // Train drawn wide and test dashed on top of it, so both stay visible where they agree.
          { label: t('trainAcc'), stroke: orange, width: 3, points: { show: showPoints, size: 6 } },
          { label: t('testAcc'), stroke: green, width: 1.5, dash: [6, 3], points: { show: showPoints, size: 4 } },
        ],
        legend: { show: false },
        axes: [wholeAxis(t('epoch'), this.accBox), axis('')],
        hooks: { setCursor: [(u) => this.readout(u, this.accReadout)], setData: [(u) => this.readout(u, this.accReadout)] },
      },
      this.accData(),
      this.accBox,
    );
    this.reportChart();
  }

  /**
   * The values under the cursor ("iteration 1,200 · loss 0.3412"), or the latest point while the
   * cursor is off the chart, so the readout always says something true.
   */
  private readout(u: uPlot, box: HTMLElement): void {
    const xs = u.data[0] ?? [];
    const last = xs.length - 1;
    const idx = u.cursor.idx ?? last;
    if (idx === null || idx < 0 || idx > last) {
      box.textContent = '';
      delete box.dataset.index;
      return;
    }
    const parts = u.series.map((series, i) => {
      const v = u.data[i]?.[idx];
      const label = typeof series.label === 'string' ? series.label : '';
      if (v === null || v === undefined) return `${label} —`;
      return `${label} ${i === 0 ? v.toLocaleString() : v.toFixed(4)}`;
    });
    box.textContent = parts.join(' · ');
    box.dataset.index = String(idx);
    box.dataset.hover = u.cursor.idx === null || u.cursor.idx === undefined ? 'false' : 'true';
  }

  private lossData(): uPlot.AlignedData {
    this.plottedIterations = this.losses.length;
    return decimateLosses(this.losses, 1, MAX_LOSS_POINTS);
  }

  private accData(): uPlot.AlignedData {
    // Very long runs on small data have thousands of epochs: draw every k-th (and the last).
    const step = Math.max(1, Math.ceil(this.epochs.length / MAX_LOSS_POINTS));
    const shown = this.epochs.filter((_, i) => i % step === 0 || i === this.epochs.length - 1);
    this.plottedEpochs = this.epochs.length;
    return [shown.map((e) => e.epoch), shown.map((e) => e.trainAcc), shown.map((e) => e.testAcc)];
  }

  private resize(): void {
    this.lossChart?.setSize(this.chartSize(this.lossBox));
    this.accChart?.setSize(this.chartSize(this.accBox));
  }

  /** Redraws at most every 250 ms however fast points arrive (timers, not rAF: a background tab still updates). */
  private scheduleRedraw(): void {
    if (this.redrawTimer !== undefined) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.lossChart?.setData(this.lossData());
      this.accChart?.setData(this.accData());
      this.reportChart();
    }, 250);
  }

  /** Tells the host what is drawn (data attributes too, for anyone inspecting the DOM). */
  private reportChart(): void {
    // Iterations the loss chart covers (it draws at most MAX_LOSS_POINTS bucket means of them).
    const lossPoints = this.lossChart ? this.plottedIterations : 0;
    const accuracyPoints = this.accChart ? this.plottedEpochs : 0;
    this.lossBox.dataset.points = String(lossPoints);
    this.accBox.dataset.points = String(accuracyPoints);
    if (this.run) post({ type: 'chartState', runId: this.run.runId, lossPoints, accuracyPoints });
  }

  // --- text ---------------------------------------------------------------------------------------

  private renderRun(): void {
    const run = this.run;
    this.root.dataset.state = run?.state ?? 'idle';
    if (!run) {
      this.status.textContent = t('noRun');
      this.details.replaceChildren();
      this.cancelButton.hidden = true;
      this.openButton.hidden = true;
      return;
    }
    const label = { loading: t('loading'), running: t('running'), done: t('done'), cancelled: t('cancelled'), error: t('error') }[run.state];
    this.status.textContent = run.state === 'error' ? `${label}: ${run.error ?? ''}` : label;
    this.status.className = `status ${run.state}`;
    const o = run.options;
    const lines = [`${t('data')}: ${run.dataName}`];
    if (run.trainCount !== undefined && run.testCount !== undefined) lines.push(t('samples', run.trainCount.toLocaleString(), run.testCount.toLocaleString()));
    lines.push(t('settings', o.hidden, o.batch, o.learningRate, o.iterations.toLocaleString(), o.seed));
    if (run.result) {
      const r = run.result;
      lines.push(t('result', r.iterations.toLocaleString(), (r.ms / 1000).toFixed(1), r.backend, r.trainAcc.toFixed(4), r.testAcc.toFixed(4)));
    }
    this.details.replaceChildren(...lines.map((l) => el('div', undefined, l)));
    this.cancelButton.hidden = !(run.state === 'running' || run.state === 'loading');
    this.openButton.hidden = !(run.state === 'done' || run.state === 'cancelled');
  }

  private renderEpochs(): void {
    const head = el('tr');
    head.append(el('th', undefined, t('epoch')), el('th', undefined, t('iteration')), el('th', undefined, t('trainAcc')), el('th', undefined, t('testAcc')));
    // The latest epochs first; a long run keeps only the last 200 rows in the table (the chart has them all).
    const rows = this.epochs.slice(-200).map((e) => {
      const tr = el('tr');
      tr.dataset.epoch = String(e.epoch);
      tr.append(el('td', undefined, String(e.epoch)), el('td', undefined, e.iteration.toLocaleString()), el('td', undefined, e.trainAcc.toFixed(4)), el('td', undefined, e.testAcc.toFixed(4)));
      return tr;
    });
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    tbody.append(...rows.reverse());
    this.epochTable.replaceChildren(thead, tbody);
    this.epochTable.hidden = this.epochs.length === 0;
  }

  private renderGradcheck(): void {
    const box = this.gradBox;
    const r = this.gradcheck;
    box.replaceChildren(el('h2', undefined, r ? t('gradcheckOf', r.fileName) : this.gradcheckFile ? t('gradcheckOf', this.gradcheckFile) : t('gradcheck')));
    box.dataset.state = this.gradcheckRunning ? 'running' : r ? 'done' : this.gradcheckError ? 'error' : 'idle';
    if (this.gradcheckRunning) {
      const cancel = el('button', 'button secondary', t('cancel'));
      cancel.addEventListener('click', () => post({ type: 'cancelGradcheck' }));
      box.append(el('p', 'status running', t('gradcheckRunning')), cancel);
      return;
    }
    if (box.dataset.state === 'idle' && this.gradcheckFile && !this.gradcheckError) {
      box.append(el('p', 'status cancelled', t('cancelled')));
      return;
    }
    if (this.gradcheckError) {
      box.append(el('p', 'status error', `${t('error')}: ${this.gradcheckError}`));
      return;
    }
    if (!r) {
      box.append(el('p', 'hint', t('gradcheckNone')));
      return;
    }
    const good = r.leaves.every((l) => l.maxAbsDiff < GOOD_DIFF);
    box.append(el('p', `meaning ${good ? 'good' : 'bad'}`, good ? t('meaningGood') : t('meaningBad')));
    box.append(el('p', 'timings', t('timings', r.numericalMs.toFixed(1), r.backpropMs.toFixed(2), Number.isFinite(r.ratio) ? r.ratio.toFixed(0) : '∞', r.parameters.toLocaleString(), r.h)));
    const table = el('table', 'leaves');
    const head = el('tr');
    for (const k of ['leaf', 'shape', 'maxDiff', 'meanDiff'] as const) head.append(el('th', undefined, t(k)));
    head.append(el('th', undefined, '')); // the verdict column: no heading
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const l of r.leaves) {
      const bad = !(l.maxAbsDiff < GOOD_DIFF);
      const tr = el('tr', [bad ? 'bad' : 'ok', l.label === r.worstLeaf ? 'worst' : ''].join(' ').trim());
      tr.dataset.leaf = l.label;
      tr.dataset.maxAbsDiff = String(l.maxAbsDiff);
      tr.dataset.meanAbsDiff = String(l.meanAbsDiff);
      const shape = l.shape.length === 0 ? '()' : `(${l.shape.join(', ')}${l.shape.length === 1 ? ',' : ''})`;
      tr.append(el('td', 'name', l.label), el('td', undefined, shape), el('td', 'num', fmtDiff(l.maxAbsDiff)), el('td', 'num', fmtDiff(l.meanAbsDiff)), el('td', 'verdict', bad ? t('bad') : t('ok')));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    box.append(table);
    // A leaf too large to check in full was compared on a seeded sample: say so, per leaf.
    for (const l of r.leaves) {
      if (l.sampled) box.append(el('p', 'hint sampled', t('sampledLeaf', l.checked.toLocaleString(), l.size.toLocaleString(), l.label)));
    }
    // The worst entries of the worst leaf (or of every leaf that fails).
    const detailLeaves = r.leaves.filter((l) => !(l.maxAbsDiff < GOOD_DIFF) || l.label === r.worstLeaf);
    for (const l of detailLeaves) {
      const details = el('details');
      details.open = !(l.maxAbsDiff < GOOD_DIFF);
      details.append(el('summary', undefined, `${t('worst')}: ${l.label}`));
      const wt = el('table', 'worst-entries');
      const wh = el('tr');
      for (const k of ['position', 'backprop', 'numerical', 'maxDiff'] as const) wh.append(el('th', undefined, k === 'maxDiff' ? '|Δ|' : t(k)));
      wt.append(wh);
      for (const w of l.worst) {
        const tr = el('tr', w.absDiff < GOOD_DIFF ? 'ok' : 'bad');
        tr.append(el('td', undefined, `${l.label}[${w.position.join(', ')}]`), el('td', 'num', fmtNum(w.backprop)), el('td', 'num', fmtNum(w.numerical)), el('td', 'num', fmtDiff(w.absDiff)));
        wt.append(tr);
      }
      details.append(wt);
      box.append(details);
    }
  }
}

const root = document.getElementById('backprop-training-root');
if (root) new TrainingPanel(root);
