/**
 * Keeps the loss chart cheap however long the run: at most `maxPoints` points are drawn, each the
 * mean loss of a bucket of consecutive iterations (plotted at the bucket's middle iteration). Runs
 * up to `maxPoints` iterations are drawn point for point, as the book's plot does.
 */
export function decimateLosses(losses: ArrayLike<number>, firstIteration: number, maxPoints: number): [number[], number[]] {
  const n = losses.length;
  if (n <= maxPoints) {
    const xs = new Array<number>(n);
    const ys = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      xs[i] = firstIteration + i;
      ys[i] = losses[i];
    }
    return [xs, ys];
  }
  const bucket = Math.ceil(n / maxPoints);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let start = 0; start < n; start += bucket) {
    const end = Math.min(n, start + bucket);
    let sum = 0;
    for (let i = start; i < end; i++) sum += losses[i];
    xs.push(firstIteration + (start + end - 1) / 2);
    ys.push(sum / (end - start));
  }
  return [xs, ys];
}
