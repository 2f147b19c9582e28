/**
 * The 2,000-node graph the panel can draw: a ladder of rungs, each with its own leaf, so every edge
 * joins nodes at most two layers apart:
 *   a{i} = [4 numbers]          (leaf)
 *   m{i} = v{i-1} * a{i}        (multiply)
 *   t{i} = tanh(m{i})           (tanh)
 *   v{i} = t{i} + v{i-1}        (add: the rung's skip connection)
 * bench/graph2000.ts's program (two leaves shared by every multiply and add) has the same node
 * count, but its edges from those two leaves span up to 2,000 layers, which a layered layout
 * (dagre) turns into hundreds of thousands of bend points: the panel does not finish drawing it.
 */
export function generateLadder(target: number): string {
  const lines = ['seed 1', 'v0 = [1.0, 2.0, -1.0, 0.5]'];
  let nodes = 1;
  let i = 1;
  // 4 nodes per rung; the last line (sum) adds one; fill the remainder with relu.
  while (nodes + 4 <= target - 1) {
    const k = i % 7;
    lines.push(`a${i} = [${(0.5 + k * 0.05).toFixed(2)}, ${(0.9 - k * 0.03).toFixed(2)}, ${(0.7 + k * 0.02).toFixed(2)}, ${(0.6 - k * 0.04).toFixed(2)}]`);
    lines.push(`m${i} = v${i - 1} * a${i}`);
    lines.push(`t${i} = tanh(m${i})`);
    lines.push(`v${i} = t${i} + v${i - 1}`);
    nodes += 4;
    i++;
  }
  let last = `v${i - 1}`;
  for (let r = 0; nodes < target - 1; r++, nodes++) {
    lines.push(`r${r} = relu(${last})`);
    last = `r${r}`;
  }
  lines.push(`out = sum(${last})`);
  return lines.join('\n') + '\n';
}
