/** The training panel's text in English and Korean (chosen by VS Code's display language). */
const EN = {
  title: 'Training a two-layer net',
  subtitle: 'Affine → ReLU → Affine → Softmax-with-Loss, trained with backpropagation and SGD (chapter 5.7)',
  noRun: 'No training yet. Run “Backprop: Train Two-Layer Net” from the command palette.',
  loading: 'Loading data…',
  running: 'Training…',
  done: 'Done',
  cancelled: 'Cancelled',
  error: 'Error',
  cancel: 'Cancel',
  openGraph: 'Open trained net as a graph',
  trainAgain: 'Train again…',
  loss: 'Loss per iteration',
  lossSeries: 'loss',
  accuracy: 'Accuracy per epoch',
  trainAcc: 'train accuracy',
  testAcc: 'test accuracy',
  iteration: 'iteration',
  epoch: 'epoch',
  data: 'Data',
  samples: '{0} training / {1} test samples',
  settings: 'hidden {0} · batch {1} · learning rate {2} · {3} iterations · seed {4}',
  result: '{0} iterations in {1} s ({2}) · train accuracy {3} · test accuracy {4}',
  gradcheck: 'Gradient check',
  gradcheckSubtitle: 'The numerical gradient (central difference) against backpropagation, leaf by leaf (chapter 5.7.3)',
  gradcheckOf: 'Gradient check of {0}',
  sampledLeaf: 'checked {0} of {1} elements of {2} (seeded sample): checking all of them would take too long',
  gradcheckRunning: 'Computing the numerical gradient…',
  gradcheckNone: 'No gradient check yet. Open a .backprop file and run “Backprop: Gradient Check”.',
  leaf: 'Leaf',
  shape: 'Shape',
  maxDiff: 'Max |Δ|',
  meanDiff: 'Mean |Δ|',
  verdict: '',
  ok: 'agrees',
  bad: 'check',
  worst: 'Largest differences',
  position: 'Position',
  backprop: 'Backprop',
  numerical: 'Numerical',
  timings: 'Numerical gradient {0} ms · backprop {1} ms · the numerical gradient took {2}× as long ({3} parameters, h = {4})',
  meaningGood:
    'Every difference is below 1e-6: the gradients backpropagation computes agree with the slow but simple numerical gradient (central difference), so the backward pass is implemented correctly. Backprop gets all of them from one forward and one backward pass; the numerical gradient needs two forward passes per parameter.',
  meaningBad:
    'Some differences are 1e-6 or more (highlighted): backprop and the numerical gradient disagree there. Either a backward rule is wrong, or the function has a kink near that point (ReLU at 0, for example), where the central difference is not exact.',
};

type Strings = typeof EN;

const KO: Strings = {
  title: '2층 신경망 학습',
  subtitle: 'Affine → ReLU → Affine → Softmax-with-Loss, 오차역전파법과 SGD로 학습 (5.7절)',
  noRun: '아직 학습하지 않았습니다. 명령 팔레트에서 “Backprop: 2층 신경망 학습”을 실행하세요.',
  loading: '데이터를 읽는 중…',
  running: '학습 중…',
  done: '완료',
  cancelled: '취소됨',
  error: '오류',
  cancel: '취소',
  openGraph: '학습된 신경망을 그래프로 열기',
  trainAgain: '다시 학습…',
  loss: '반복마다의 손실',
  lossSeries: '손실',
  accuracy: '에폭마다의 정확도',
  trainAcc: '훈련 정확도',
  testAcc: '시험 정확도',
  iteration: '반복',
  epoch: '에폭',
  data: '데이터',
  samples: '훈련 {0}개 / 시험 {1}개',
  settings: '은닉 {0} · 배치 {1} · 학습률 {2} · 반복 {3}회 · 시드 {4}',
  result: '{0}회 반복, {1}초 ({2}) · 훈련 정확도 {3} · 시험 정확도 {4}',
  gradcheck: '기울기 확인',
  gradcheckSubtitle: '수치 미분(중앙 차분)과 오차역전파법의 기울기를 입력마다 비교합니다 (5.7.3절)',
  gradcheckOf: '{0}의 기울기 확인',
  sampledLeaf: '{2}의 원소 {1}개 중 {0}개를 확인함 (시드로 고정한 무작위 표본): 모두 확인하면 너무 오래 걸림',
  gradcheckRunning: '수치 미분을 계산하는 중…',
  gradcheckNone: '아직 기울기 확인을 하지 않았습니다. .backprop 파일을 열고 “Backprop: 기울기 확인”을 실행하세요.',
  leaf: '입력',
  shape: '형상',
  maxDiff: '최대 |Δ|',
  meanDiff: '평균 |Δ|',
  verdict: '',
  ok: '일치',
  bad: '확인 필요',
  worst: '차이가 가장 큰 원소',
  position: '위치',
  backprop: '역전파',
  numerical: '수치 미분',
  timings: '수치 미분 {0} ms · 역전파 {1} ms · 수치 미분이 {2}배 더 걸림 (매개변수 {3}개, h = {4})',
  meaningGood:
    '모든 차이가 1e-6보다 작습니다. 오차역전파법으로 구한 기울기가 느리지만 단순한 수치 미분(중심 차분)과 일치하므로 역전파가 올바르게 구현되었습니다. 역전파는 순전파와 역전파 한 번씩으로 모든 기울기를 구하지만, 수치 미분은 매개변수마다 순전파를 두 번 해야 합니다.',
  meaningBad:
    '차이가 1e-6 이상인 곳이 있습니다(강조 표시). 그곳에서는 역전파와 수치 미분이 어긋납니다. 역전파 규칙이 틀렸거나, 그 점 근처에서 함수가 꺾여(예: 0에서의 ReLU) 중심 차분이 정확하지 않은 경우입니다.',
};

let current: Strings = EN;

export function setLocale(locale: string): void {
  current = locale.toLowerCase().startsWith('ko') ? KO : EN;
}

export function t(key: keyof Strings, ...args: (string | number)[]): string {
  return current[key].replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}
