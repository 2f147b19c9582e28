/**
 * The panel's own strings in English and Korean. The host tells us the locale in the `graph`
 * message (VS Code's display language); `ko*` means Korean, anything else English.
 */

const en = {
  stepForward: 'Step Forward',
  stepBackward: 'Step Backward',
  previousStep: 'Previous Step',
  nextStep: 'Next Step',
  runForward: 'Run Forward Pass',
  runBackward: 'Run Backward Pass',
  reset: 'Reset',
  toggleComposite: 'Toggle Composite Layers',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  fit: 'Fit to View',
  timeline: 'Timeline: step',
  forward: 'forward',
  backward: 'backward',
  done: 'done',
  waiting: 'Waiting for a .backprop file…',
  layingOut: 'Laying out the graph…',
  repeatedInput: 'repeated input: the same node as the one drawn further left (click to select it)',
  captionStart: 'Start: only the inputs are known. Step forward to compute the graph left to right.',
  forwardCap: 'Forward',
  backwardCap: 'Backward',
  allDone: 'every gradient is computed',
  graph: 'Computational graph',
  nodes: 'Graph nodes',
  detail: 'Selected node',
  noSelection: 'Click a node to see its forward value, its gradients and its local rule. Double-click goes to its line.',
  value: 'Forward value',
  notYetComputed: 'not computed yet',
  dout: 'Incoming gradient (dout)',
  outGrads: 'Gradients sent to the inputs',
  gradOf: 'gradient of',
  leafGrad: 'Gradient (summed over all uses)',
  rule: 'Local rule',
  formula: 'Formula',
  inputs: 'Inputs',
  usedBy: 'Used by',
  shape: 'shape',
  scalar: 'scalar',
  line: 'line',
  loadedFrom: 'loaded from',
  rowsShown: 'showing {0} of {1} rows',
  goToLine: 'Go to line',
  showAll: 'Show all values',
  showLess: 'Show fewer values',
  leaf: 'input',
  constant: 'constant',
  output: 'output',
  error: 'Error',
  column: 'column',
  close: 'Close',
  keysHint: '←/→ step · Shift+→ step backward · Home reset · End run all · F fit',
  mismatch: 'Differs from the rule',
  yours: 'yours',
  reference: 'reference',
} as const;

export type MessageKey = keyof typeof en;

const ko: Record<MessageKey, string> = {
  stepForward: '순전파 한 단계',
  stepBackward: '역전파 한 단계',
  previousStep: '이전 단계',
  nextStep: '다음 단계',
  runForward: '순전파 끝까지',
  runBackward: '역전파 끝까지',
  reset: '처음으로',
  toggleComposite: '복합 계층 펼치기/접기',
  zoomIn: '확대',
  zoomOut: '축소',
  fit: '화면에 맞추기',
  timeline: '타임라인: 단계',
  forward: '순전파',
  backward: '역전파',
  done: '완료',
  waiting: '.backprop 파일을 기다리는 중…',
  layingOut: '그래프를 배치하는 중…',
  repeatedInput: '반복 표시된 입력: 왼쪽에 그려진 노드와 같은 노드입니다 (클릭하면 선택)',
  captionStart: '시작: 입력값만 알고 있습니다. 순전파로 그래프를 왼쪽에서 오른쪽으로 계산해 보세요.',
  forwardCap: '순전파',
  backwardCap: '역전파',
  allDone: '모든 기울기 계산 완료',
  graph: '계산 그래프',
  nodes: '그래프 노드',
  detail: '선택한 노드',
  noSelection: '노드를 클릭하면 순전파 값, 기울기, 국소적 미분 규칙을 볼 수 있습니다. 더블클릭하면 해당 줄로 이동합니다.',
  value: '순전파 값',
  notYetComputed: '아직 계산되지 않음',
  dout: '상류에서 온 기울기 (dout)',
  outGrads: '입력으로 보내는 기울기',
  gradOf: '기울기:',
  leafGrad: '기울기 (모든 사용처의 합)',
  rule: '국소적 미분 규칙',
  formula: '수식',
  inputs: '입력',
  usedBy: '사용하는 노드',
  shape: '형상',
  scalar: '스칼라',
  line: '줄',
  loadedFrom: '불러온 파일',
  rowsShown: '{1}행 중 {0}행 표시',
  goToLine: '줄로 이동',
  showAll: '모든 값 보기',
  showLess: '일부만 보기',
  leaf: '입력',
  constant: '상수',
  output: '출력',
  error: '오류',
  column: '열',
  close: '닫기',
  keysHint: '←/→ 단계 이동 · Shift+→ 역전파 한 단계 · Home 처음으로 · End 끝까지 · F 화면 맞춤',
  mismatch: '규칙과 다름',
  yours: '내 코드',
  reference: '기준값',
};

let current: Record<MessageKey, string> = en;
let currentLocale = 'en';

export function setLocale(locale: string): void {
  currentLocale = locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
  current = currentLocale === 'ko' ? ko : en;
}

/** 'ko' or 'en'. */
export function locale(): 'ko' | 'en' {
  return currentLocale === 'ko' ? 'ko' : 'en';
}

export function t(key: MessageKey): string {
  return current[key];
}
