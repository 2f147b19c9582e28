// The fused-multiply-add variant of kernels.wat, generated from the same source at build time:
// every `(f64x2.add ACC (f64x2.mul X Y))` — the multiply-add steps of the gemm micro-kernels —
// becomes `(f64x2.relaxed_madd X Y ACC)` (WebAssembly relaxed SIMD; x64 and arm64 engines fuse it
// into one FMA instruction, rounding once instead of twice). Nothing else in the source changes, so
// both binaries export the same functions with the same signatures and the same summation order.

/** Index just past the s-expression that opens at `start` (which must be '('). */
function closing(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === ';' && text[i + 1] === ';') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${start}`);
}

/** The operand s-expressions (or atoms) of the form `text[start, end)`, after its head word. */
function operands(text, start, end) {
  const out = [];
  let i = text.indexOf(' ', start);
  while (i < end - 1) {
    while (/\s/.test(text[i])) i++;
    if (i >= end - 1) break;
    const j = text[i] === '(' ? closing(text, i) : i + /^[^\s()]+/.exec(text.slice(i))[0].length;
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

/**
 * Rewrites `source` into its FMA variant. Returns the new text and how many multiply-adds were
 * fused, so the build can check the rewrite found what it expected.
 */
export function fmaVariant(source) {
  const HEAD = '(f64x2.add ';
  let out = '';
  let from = 0;
  let fused = 0;
  for (let at = source.indexOf(HEAD); at >= 0; at = source.indexOf(HEAD, at + 1)) {
    if (at < from) continue;
    const lineStart = source.lastIndexOf('\n', at) + 1;
    if (source.slice(lineStart, at).includes(';;')) continue; // in a comment
    const end = closing(source, at);
    const [acc, product, ...rest] = operands(source, at, end);
    if (rest.length || !product?.startsWith('(f64x2.mul ')) continue;
    const factors = operands(product, 0, product.length);
    if (factors.length !== 2) continue;
    out += source.slice(from, at) + `(f64x2.relaxed_madd ${factors[0]} ${factors[1]} ${acc})`;
    from = end;
    fused++;
  }
  return { source: out + source.slice(from), fused };
}
