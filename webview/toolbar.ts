/**
 * The panel's toolbar: native-looking `vscode-toolbar-button`s for the step commands, a timeline
 * slider over all steps, the "forward 3/4 · backward 0/4" position label, and zoom controls.
 */
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { type KeyPlatform, withKey } from '../src/shared/keybindings';
import type { StepCommand } from '../src/shared/protocol';
import { type MessageKey, t } from './i18n';
import type { PanelModel } from './model';

interface ButtonSpec {
  id: string;
  icon: string;
  label: MessageKey;
  /** Visible text next to the icon (the two main step buttons). */
  text?: boolean;
  toggle?: boolean;
}

const STEP_BUTTONS: (ButtonSpec & { id: StepCommand })[] = [
  { id: 'reset', icon: 'debug-restart', label: 'reset' },
  { id: 'previousStep', icon: 'debug-step-back', label: 'previousStep' },
  { id: 'stepForward', icon: 'arrow-right', label: 'stepForward', text: true },
  { id: 'runForward', icon: 'debug-continue', label: 'runForward' },
  { id: 'stepBackward', icon: 'arrow-left', label: 'stepBackward', text: true },
  { id: 'runBackward', icon: 'debug-reverse-continue', label: 'runBackward' },
  { id: 'toggleComposite', icon: 'layers', label: 'toggleComposite', toggle: true },
];

/** VS Code resolves keybindings for the OS the workbench runs on, which is the webview's too. */
const PLATFORM: KeyPlatform = /Mac|iPhone|iPad/.test(navigator.userAgent) ? 'mac' : 'other';

const VIEW_BUTTONS: ButtonSpec[] = [
  { id: 'zoomOut', icon: 'zoom-out', label: 'zoomOut' },
  { id: 'zoomIn', icon: 'zoom-in', label: 'zoomIn' },
  { id: 'fit', icon: 'screen-full', label: 'fit' },
];

export interface ToolbarCallbacks {
  onCommand(command: StepCommand): void;
  onGoTo(step: number): void;
  onView(action: 'zoomIn' | 'zoomOut' | 'fit'): void;
}

type ToolbarButton = HTMLElement & { label?: string; checked?: boolean };

export class Toolbar {
  private readonly buttons = new Map<string, ToolbarButton>();
  private readonly slider: HTMLInputElement;
  private readonly position: HTMLElement;
  private readonly forwardBar: HTMLElement;
  private readonly backwardBar: HTMLElement;
  private pendingGoTo: number | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly model: PanelModel,
    private readonly callbacks: ToolbarCallbacks,
  ) {
    root.setAttribute('role', 'toolbar');
    const steps = document.createElement('div');
    steps.className = 'toolbar-group';
    for (const spec of STEP_BUTTONS) steps.append(this.button(spec, () => callbacks.onCommand(spec.id)));

    const timeline = document.createElement('div');
    timeline.className = 'timeline';
    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.id = 'timeline';
    this.slider.min = '0';
    this.slider.max = '0';
    this.slider.step = '1';
    this.slider.value = '0';
    // Scrubbing sends goTo as the thumb moves, at most once per frame; the host only re-reads the trace.
    this.slider.addEventListener('input', () => this.queueGoTo(Number(this.slider.value)));
    const phases = document.createElement('div');
    phases.className = 'timeline-phases';
    phases.setAttribute('aria-hidden', 'true');
    this.forwardBar = document.createElement('span');
    this.forwardBar.className = 'phase-forward';
    this.backwardBar = document.createElement('span');
    this.backwardBar.className = 'phase-backward';
    phases.append(this.forwardBar, this.backwardBar);
    timeline.append(this.slider, phases);

    this.position = document.createElement('span');
    this.position.className = 'position';
    this.position.id = 'position';
    this.position.setAttribute('aria-live', 'polite');

    const view = document.createElement('div');
    view.className = 'toolbar-group view-group';
    for (const spec of VIEW_BUTTONS) view.append(this.button(spec, () => callbacks.onView(spec.id as 'zoomIn' | 'zoomOut' | 'fit')));

    root.append(steps, timeline, this.position, view);
    this.refresh();
  }

  private button(spec: ButtonSpec, onClick: () => void): ToolbarButton {
    const b = document.createElement('vscode-toolbar-button') as ToolbarButton;
    b.setAttribute('icon', spec.icon);
    b.dataset.command = spec.id;
    if (spec.toggle) b.setAttribute('toggleable', '');
    if (spec.text) {
      const span = document.createElement('span');
      span.className = 'button-text';
      b.append(span);
    }
    b.addEventListener('click', () => {
      if (b.hasAttribute('aria-disabled')) return;
      onClick();
    });
    this.buttons.set(spec.id, b);
    return b;
  }

  /** Re-applies labels (after a locale change) and enablement from the current state. */
  refresh(): void {
    for (const spec of [...STEP_BUTTONS, ...VIEW_BUTTONS]) {
      const b = this.buttons.get(spec.id);
      if (!b) continue;
      const label = t(spec.label);
      b.label = label;
      b.setAttribute('label', label);
      // The key from the same table VS Code binds (package.json's keybindings).
      b.title = withKey(label, spec.id, PLATFORM);
      const text = b.querySelector('.button-text');
      if (text) text.textContent = label;
    }
    const graph = this.model.graph;
    const { cursor, totalSteps } = this.model.state;
    const forward = graph?.forwardSteps ?? 0;
    const none = !graph;
    this.enable('reset', !none && cursor > 0);
    this.enable('previousStep', !none && cursor > 0);
    this.enable('stepForward', !none && cursor < forward);
    this.enable('runForward', !none && cursor < forward);
    this.enable('stepBackward', !none && cursor < totalSteps);
    this.enable('runBackward', !none && cursor < totalSteps);
    this.enable('toggleComposite', !none);
    const toggle = this.buttons.get('toggleComposite');
    if (toggle) toggle.checked = graph?.expanded ?? false;

    this.slider.max = String(totalSteps);
    this.slider.value = String(cursor);
    this.slider.disabled = none || totalSteps === 0;
    this.slider.setAttribute('aria-label', t('timeline'));
    const p = this.model.progress();
    const text = none
      ? t('waiting')
      : `${t('forward')} ${p.forwardDone}/${p.forwardTotal} · ${t('backward')} ${p.backwardDone}/${p.backwardTotal}`;
    this.position.textContent = text;
    this.slider.setAttribute('aria-valuetext', text);
    // The coloured bar under the slider: forward steps, then backward steps.
    this.forwardBar.style.flexGrow = String(Math.max(p.forwardTotal, none ? 1 : 0));
    this.backwardBar.style.flexGrow = String(p.backwardTotal);
  }

  private enable(id: string, on: boolean): void {
    const b = this.buttons.get(id);
    if (!b) return;
    if (on) {
      b.removeAttribute('aria-disabled');
      b.inert = false;
    } else {
      b.setAttribute('aria-disabled', 'true');
      // inert keeps a disabled toolbar button out of the tab order and ignores its clicks.
      b.inert = true;
    }
  }

  private queueGoTo(step: number): void {
    const first = this.pendingGoTo === undefined;
    this.pendingGoTo = step;
    if (!first) return;
    requestAnimationFrame(() => {
      const s = this.pendingGoTo;
      this.pendingGoTo = undefined;
      if (s !== undefined && s !== this.model.state.cursor) this.callbacks.onGoTo(s);
    });
  }

  get sliderElement(): HTMLInputElement {
    return this.slider;
  }

  get element(): HTMLElement {
    return this.root;
  }
}
