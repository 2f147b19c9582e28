;; Hot-path kernels of the engine, float64, WebAssembly SIMD (f64x2).
;;
;; Every pointer argument is a BYTE address in the imported memory; the TypeScript wrapper
;; (wasmKernels.ts) converts element offsets. As written, each kernel performs the same IEEE
;; operations in the same order as the TypeScript reference (src/engine/kernels/reference.ts):
;; multiply then add, every dot product summed in ascending k, so results agree bit for bit.
;;
;; The build also assembles a fused-multiply-add variant of this very text (scripts/wasm-fma.mjs): every
;; `(f64x2.add ACC (f64x2.mul X Y))` becomes `(f64x2.relaxed_madd X Y ACC)`, i.e. the multiply-adds
;; of the gemm micro-kernels (and of $maddProbe). Same order of summation, one rounding per step
;; instead of two: within 1e-12 relative of the reference, no longer bit-identical. wasmKernels.ts
;; picks it where the runtime validates relaxed SIMD and $maddProbe shows the multiply-add fused.
;; Write any other multiply-add that must stay unfused in another form (e.g. sgd's f64x2.sub).
;;
;; Performance notes (AMD EPYC, Node 20, measured with interleaved variants): the 4×4 micro-kernel
;; reaches ~24 GFLOP/s on 128×128×128 in every layout, ~80% of a measured f64x2 mul+add issue peak
;; (~31 GFLOP/s: 8 independent mul+add chains, no loads). Unrolling k by two made TurboFan hoist
;; the second step's loads and spill accumulators (25% slower). A 5×4 tile with a pointer per row
;; (10 accumulators) ran at half the speed on Node 20: V8 then spills to the stack (16 xmm registers).
;;
;; The FMA build runs the full blocks of 6 rows on kernels with ONE pointer for A (the tile's rows
;; side by side: a transposed A as stored, a plain A packed 6 rows at a time by $pack_rows) and one
;; for B, so the loop body is the loads and the multiply-adds plus two pointer bumps, on a 6×4 tile
;; (12 accumulators, 2 B vectors, 1 broadcast: 15 xmm registers; TurboFan on Node 24 keeps all of
;; them in registers, checked with --print-wasm-code). Measured (Node 24, interleaved in one
;; process, 20th percentiles): x·W1 100×50×784 +5% (packing x costs ~14 µs of it), xᵀ·dz1
;; 784×50×100 +15-20% against the 4×4 kernels with a pointer per row; ~23-24 GFLOP/s on
;; L1-resident shapes, against 27-28 GFLOP/s for 12 chains of f64x2 FMA with no loads at all (the
;; 128-bit ceiling of this machine; OpenBLAS reaches ~39 GFLOP/s on the net's shapes with 256/512-bit
;; vectors). The plain SIMD build keeps the 4×4 kernels with a pointer per row for every row: its
;; separate multiply needs a 16th register for 6×4, and on Node 20 the one-pointer kernels (6- or
;; 4-row, with packing) measured no faster. Unrolling the 6×4 loop by two changed nothing on Node 24.
(module
  (import "env" "memory" (memory 1))
  (import "env" "exp" (func $exp (param f64) (result f64)))
  (import "env" "log" (func $log (param f64) (result f64)))

  ;; Rows of k-block in the gemm driver: an A tile (4×KC) and a B panel (KC×4) stay in L1/L2.
  ;; Measured: 1024 beats 256 by ~5% on the net's 100×50×784 (fewer C reloads, longer streams)
  ;; and ties elsewhere; blocking still bounds the working set for very long k.
  (global $KC i32 (i32.const 1024))

  ;; Row blocks per chunk when A is transposed (dW1 = xᵀ·dz1): the driver sweeps every panel of B
  ;; for a chunk of 4·R rows of C before moving on, so the chunk's strip of A (R·4 columns of the
  ;; stored k×m A, one cache line per step) stays in L1 across the panels instead of being
  ;; streamed again from L2 for each panel. Measured (Node 24, FMA, 784×50×100, interleaved): ~13%
  ;; faster than one pass per panel; copying the strip into a packed block first was slower.
  ;; A plain A is packed whole and swept once per panel (a chunk of all m rows), which measured
  ;; best for 100×50×784.
  (global $MCT i32 (i32.const 4))

  ;; Columns 0,1 of a row of C holding `nc` (1..4) valid columns; absent columns read as 0.
  (func $load_lo (param $p i32) (param $nc i32) (result v128)
    (if (result v128) (i32.ge_u (local.get $nc) (i32.const 2))
      (then (v128.load (local.get $p)))
      (else (v128.load64_zero (local.get $p)))))

  ;; Columns 2,3 of such a row.
  (func $load_hi (param $p i32) (param $nc i32) (result v128)
    (if (result v128) (i32.ge_u (local.get $nc) (i32.const 4))
      (then (v128.load offset=16 (local.get $p)))
      (else
        (if (result v128) (i32.eq (local.get $nc) (i32.const 3))
          (then (v128.load64_zero offset=16 (local.get $p)))
          (else (v128.const i64x2 0 0))))))

  ;; Stores the first `nc` columns of (lo, hi) to a row of C.
  (func $store_row (param $p i32) (param $nc i32) (param $lo v128) (param $hi v128)
    (if (i32.ge_u (local.get $nc) (i32.const 4))
      (then
        (v128.store (local.get $p) (local.get $lo))
        (v128.store offset=16 (local.get $p) (local.get $hi))
        (return)))
    (if (i32.ge_u (local.get $nc) (i32.const 2))
      (then (v128.store (local.get $p) (local.get $lo)))
      (else (f64.store (local.get $p) (f64x2.extract_lane 0 (local.get $lo)))))
    (if (i32.eq (local.get $nc) (i32.const 3))
      (then (f64.store offset=16 (local.get $p) (f64x2.extract_lane 0 (local.get $hi))))))

  ;; Micro-kernel: a tile of C of `nr` (1..4) rows × `nc` (1..4) columns, over `k` steps.
  ;; A element (r, p) is at a + r·aRs + p·aPs; B row p of the 4-column panel is at b + p·bPs
  ;; (two f64x2); C row r at c + r·ldc. Eight f64x2 accumulators (4 rows × 4 columns) live in
  ;; registers for the whole k loop; with `acc` they start from C, else from 0, so the sum order
  ;; per element is exactly the reference's. Missing rows (nr < 4) recompute row 0 and are not stored.
  (func $mk4 (param $a i32) (param $aRs i32) (param $aPs i32) (param $b i32) (param $bPs i32)
             (param $c i32) (param $ldc i32) (param $k i32) (param $acc i32) (param $nr i32) (param $nc i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local.set $a1 (select (i32.add (local.get $a) (local.get $aRs)) (local.get $a) (i32.gt_u (local.get $nr) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $aRs)) (local.get $a) (i32.gt_u (local.get $nr) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $aRs)) (local.get $a) (i32.gt_u (local.get $nr) (i32.const 3))))
    (if (local.get $acc)
      (then
        (local.set $c00 (call $load_lo (local.get $c) (local.get $nc)))
        (local.set $c01 (call $load_hi (local.get $c) (local.get $nc)))
        (if (i32.gt_u (local.get $nr) (i32.const 1)) (then
          (local.set $c10 (call $load_lo (i32.add (local.get $c) (local.get $ldc)) (local.get $nc)))
          (local.set $c11 (call $load_hi (i32.add (local.get $c) (local.get $ldc)) (local.get $nc)))))
        (if (i32.gt_u (local.get $nr) (i32.const 2)) (then
          (local.set $c20 (call $load_lo (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $nc)))
          (local.set $c21 (call $load_hi (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $nc)))))
        (if (i32.gt_u (local.get $nr) (i32.const 3)) (then
          (local.set $c30 (call $load_lo (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $nc)))
          (local.set $c31 (call $load_hi (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $nc)))))))
    (local.set $end (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $bPs))))
    (if (i32.gt_s (local.get $k) (i32.const 0))
      (then
        (loop $steps
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $x (v128.load64_splat (local.get $a)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat (local.get $a1)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat (local.get $a2)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat (local.get $a3)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $a (i32.add (local.get $a) (local.get $aPs)))
          (local.set $a1 (i32.add (local.get $a1) (local.get $aPs)))
          (local.set $a2 (i32.add (local.get $a2) (local.get $aPs)))
          (local.set $a3 (i32.add (local.get $a3) (local.get $aPs)))
          (local.set $b (i32.add (local.get $b) (local.get $bPs)))
          (br_if $steps (i32.lt_u (local.get $b) (local.get $end))))))
    (call $store_row (local.get $c) (local.get $nc) (local.get $c00) (local.get $c01))
    (if (i32.gt_u (local.get $nr) (i32.const 1))
      (then (call $store_row (i32.add (local.get $c) (local.get $ldc)) (local.get $nc) (local.get $c10) (local.get $c11))))
    (if (i32.gt_u (local.get $nr) (i32.const 2))
      (then (call $store_row (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $nc) (local.get $c20) (local.get $c21))))
    (if (i32.gt_u (local.get $nr) (i32.const 3))
      (then (call $store_row (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $nc) (local.get $c30) (local.get $c31)))))

  ;; Micro-kernel for a ragged last panel of exactly two columns of a plain (not transposed) B:
  ;; a tile of `nr` (1..4) rows × 2 columns, B read in place (no packing, no padded columns).
  (func $mk4x2 (param $a i32) (param $aRs i32) (param $aPs i32) (param $b i32) (param $bPs i32)
               (param $c i32) (param $ldc i32) (param $k i32) (param $acc i32) (param $nr i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $b0 v128)
    (local.set $a1 (select (i32.add (local.get $a) (local.get $aRs)) (local.get $a) (i32.gt_u (local.get $nr) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $aRs)) (local.get $a) (i32.gt_u (local.get $nr) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $aRs)) (local.get $a) (i32.gt_u (local.get $nr) (i32.const 3))))
    (if (local.get $acc)
      (then
        (local.set $c0 (v128.load (local.get $c)))
        (if (i32.gt_u (local.get $nr) (i32.const 1)) (then (local.set $c1 (v128.load (i32.add (local.get $c) (local.get $ldc))))))
        (if (i32.gt_u (local.get $nr) (i32.const 2)) (then (local.set $c2 (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1)))))))
        (if (i32.gt_u (local.get $nr) (i32.const 3)) (then (local.set $c3 (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3)))))))))
    (local.set $end (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $bPs))))
    (if (i32.gt_s (local.get $k) (i32.const 0))
      (then
        (loop $steps
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (v128.load64_splat (local.get $a)) (local.get $b0))))
          (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (v128.load64_splat (local.get $a1)) (local.get $b0))))
          (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (v128.load64_splat (local.get $a2)) (local.get $b0))))
          (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (v128.load64_splat (local.get $a3)) (local.get $b0))))
          (local.set $a (i32.add (local.get $a) (local.get $aPs)))
          (local.set $a1 (i32.add (local.get $a1) (local.get $aPs)))
          (local.set $a2 (i32.add (local.get $a2) (local.get $aPs)))
          (local.set $a3 (i32.add (local.get $a3) (local.get $aPs)))
          (local.set $b (i32.add (local.get $b) (local.get $bPs)))
          (br_if $steps (i32.lt_u (local.get $b) (local.get $end))))))
    (v128.store (local.get $c) (local.get $c0))
    (if (i32.gt_u (local.get $nr) (i32.const 1)) (then (v128.store (i32.add (local.get $c) (local.get $ldc)) (local.get $c1))))
    (if (i32.gt_u (local.get $nr) (i32.const 2)) (then (v128.store (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $c2))))
    (if (i32.gt_u (local.get $nr) (i32.const 3)) (then (v128.store (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $c3)))))

  ;; Copies columns j0..j0+3 of B (k rows, row p of op(B) read with `pStride`, column with
  ;; `jStride`, bytes) into a k×4 panel at `dst`, zero-filling columns ≥ n.
  (func $pack_panel (param $b i32) (param $pStride i32) (param $jStride i32) (param $j0 i32) (param $n i32) (param $k i32) (param $dst i32)
    (local $p i32) (local $col i32) (local $src i32)
    (local.set $p (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $p) (local.get $k)))
        (local.set $col (i32.const 0))
        (loop $cols
          (local.set $src (i32.add (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $pStride)))
                                   (i32.mul (i32.add (local.get $j0) (local.get $col)) (local.get $jStride))))
          (f64.store (i32.add (local.get $dst) (i32.shl (local.get $col) (i32.const 3)))
            (if (result f64) (i32.lt_s (i32.add (local.get $j0) (local.get $col)) (local.get $n))
              (then (f64.load (local.get $src)))
              (else (f64.const 0))))
          (local.set $col (i32.add (local.get $col) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $col) (i32.const 4))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $rows))))

  ;; Micro-kernel for a full tile of 6 rows × `nc` (1..4) columns with the rows of A side by side: A element (r, p) at
  ;; a + 8r + p·aPs (a transposed A in place, or a packed block), B row p at b + p·bPs. One pointer
  ;; each for A and B, so the loop is loads, multiply-adds and two pointer bumps.
  (func $mk6p (param $a i32) (param $aPs i32) (param $b i32) (param $bPs i32)
             (param $c i32) (param $ldc i32) (param $k i32) (param $acc i32) (param $nc i32)
    (local $end i32) (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128) (local $c40 v128) (local $c41 v128) (local $c50 v128) (local $c51 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (if (local.get $acc)
      (then
        (local.set $c00 (call $load_lo (local.get $c) (local.get $nc)))
        (local.set $c01 (call $load_hi (local.get $c) (local.get $nc)))
        (local.set $c10 (call $load_lo (i32.add (local.get $c) (local.get $ldc)) (local.get $nc)))
        (local.set $c11 (call $load_hi (i32.add (local.get $c) (local.get $ldc)) (local.get $nc)))
        (local.set $c20 (call $load_lo (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $nc)))
        (local.set $c21 (call $load_hi (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $nc)))
        (local.set $c30 (call $load_lo (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $nc)))
        (local.set $c31 (call $load_hi (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $nc)))
        (local.set $c40 (call $load_lo (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 4))) (local.get $nc)))
        (local.set $c41 (call $load_hi (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 4))) (local.get $nc)))
        (local.set $c50 (call $load_lo (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 5))) (local.get $nc)))
        (local.set $c51 (call $load_hi (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 5))) (local.get $nc)))))
    (local.set $end (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $bPs))))
    (if (i32.gt_s (local.get $k) (i32.const 0))
      (then
        (loop $steps
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $x (v128.load64_splat (local.get $a)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=8 (local.get $a)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=16 (local.get $a)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=24 (local.get $a)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=32 (local.get $a)))
          (local.set $c40 (f64x2.add (local.get $c40) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c41 (f64x2.add (local.get $c41) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=40 (local.get $a)))
          (local.set $c50 (f64x2.add (local.get $c50) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c51 (f64x2.add (local.get $c51) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $a (i32.add (local.get $a) (local.get $aPs)))
          (local.set $b (i32.add (local.get $b) (local.get $bPs)))
          (br_if $steps (i32.lt_u (local.get $b) (local.get $end))))))
    (call $store_row (local.get $c) (local.get $nc) (local.get $c00) (local.get $c01))
    (call $store_row (i32.add (local.get $c) (local.get $ldc)) (local.get $nc) (local.get $c10) (local.get $c11))
    (call $store_row (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $nc) (local.get $c20) (local.get $c21))
    (call $store_row (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $nc) (local.get $c30) (local.get $c31))
    (call $store_row (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 4))) (local.get $nc) (local.get $c40) (local.get $c41))
    (call $store_row (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 5))) (local.get $nc) (local.get $c50) (local.get $c51)))

  ;; Micro-kernel for a full tile of 6 rows × 2 columns with the rows of A side by side: A element (r, p) at
  ;; a + 8r + p·aPs (a transposed A in place, or a packed block), B row p at b + p·bPs. One pointer
  ;; each for A and B, so the loop is loads, multiply-adds and two pointer bumps.
  (func $mk6p2 (param $a i32) (param $aPs i32) (param $b i32) (param $bPs i32)
             (param $c i32) (param $ldc i32) (param $k i32) (param $acc i32)
    (local $end i32) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $b0 v128)
    (if (local.get $acc)
      (then
        (local.set $c0 (v128.load (local.get $c)))
        (local.set $c1 (v128.load (i32.add (local.get $c) (local.get $ldc))))
        (local.set $c2 (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1)))))
        (local.set $c3 (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3)))))
        (local.set $c4 (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 4)))))
        (local.set $c5 (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 5)))))))
    (local.set $end (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $bPs))))
    (if (i32.gt_s (local.get $k) (i32.const 0))
      (then
        (loop $steps
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (v128.load64_splat (local.get $a)) (local.get $b0))))
          (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (v128.load64_splat offset=8 (local.get $a)) (local.get $b0))))
          (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (v128.load64_splat offset=16 (local.get $a)) (local.get $b0))))
          (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (v128.load64_splat offset=24 (local.get $a)) (local.get $b0))))
          (local.set $c4 (f64x2.add (local.get $c4) (f64x2.mul (v128.load64_splat offset=32 (local.get $a)) (local.get $b0))))
          (local.set $c5 (f64x2.add (local.get $c5) (f64x2.mul (v128.load64_splat offset=40 (local.get $a)) (local.get $b0))))
          (local.set $a (i32.add (local.get $a) (local.get $aPs)))
          (local.set $b (i32.add (local.get $b) (local.get $bPs)))
          (br_if $steps (i32.lt_u (local.get $b) (local.get $end))))))
    (v128.store (local.get $c) (local.get $c0))
    (v128.store (i32.add (local.get $c) (local.get $ldc)) (local.get $c1))
    (v128.store (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $c2))
    (v128.store (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $c3))
    (v128.store (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 4))) (local.get $c4))
    (v128.store (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 5))) (local.get $c5)))

  ;; Packs rows [0, nb·R) of a row-major A (row r at a + r·aRs bytes), columns [pc, pc + kk), into
  ;; nb blocks of R rows side by side: block ib at dst + ib·R·kk·8, element (r, p) at + p·R·8 + r·8.
  ;; Two columns of the block's R rows at a time: a v128 load per row, pairs of rows interleaved by
  ;; shuffles, stored to the 2·R contiguous doubles of steps p and p + 1.
  (func $pack_rows (param $a i32) (param $aRs i32) (param $R i32) (param $nb i32) (param $pc i32) (param $kk i32) (param $dst i32)
    (local $blk i32) (local $p i32) (local $rp i32) (local $row i32) (local $src i32) (local $step i32) (local $k2 i32)
    (local $v0 v128) (local $v1 v128)
    (local.set $step (i32.shl (local.get $R) (i32.const 3)))
    (local.set $k2 (i32.and (local.get $kk) (i32.const -2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $blk) (local.get $nb)))
        ;; Column pc of the block's first row.
        (local.set $row (i32.add (i32.add (local.get $a) (i32.mul (i32.mul (local.get $blk) (local.get $R)) (local.get $aRs)))
                                 (i32.shl (local.get $pc) (i32.const 3))))
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $cols
            (br_if $pdone (i32.ge_s (local.get $p) (local.get $k2)))
            (local.set $src (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 3))))
            (local.set $rp (i32.const 0))
            (loop $rowPairs
              (local.set $v0 (v128.load (local.get $src)))
              (local.set $v1 (v128.load (i32.add (local.get $src) (local.get $aRs))))
              (v128.store (i32.add (local.get $dst) (local.get $rp))
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))
              (v128.store (i32.add (i32.add (local.get $dst) (local.get $rp)) (local.get $step))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $src (i32.add (local.get $src) (i32.shl (local.get $aRs) (i32.const 1))))
              (local.set $rp (i32.add (local.get $rp) (i32.const 16)))
              (br_if $rowPairs (i32.lt_u (local.get $rp) (local.get $step))))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $step) (i32.const 1))))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (br $cols)))
        ;; An odd last column: one double per row.
        (if (i32.lt_s (local.get $p) (local.get $kk))
          (then
            (local.set $src (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 3))))
            (local.set $rp (i32.const 0))
            (loop $rowsLeft
              (f64.store (i32.add (local.get $dst) (local.get $rp)) (f64.load (local.get $src)))
              (local.set $src (i32.add (local.get $src) (local.get $aRs)))
              (local.set $rp (i32.add (local.get $rp) (i32.const 8)))
              (br_if $rowsLeft (i32.lt_u (local.get $rp) (local.get $step))))
            (local.set $dst (i32.add (local.get $dst) (local.get $step)))))
        (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
        (br $blocks))))

  ;; C (m×n) = op(A)·op(B) (+ C when acc). transA: A stored k×m; transB: B stored n×k.
  ;; `pack` is scratch (see gemmScratchDoubles in wasmKernels.ts): packed B panels, ceil(n/4)·4·k
  ;; doubles when transB, else 4·k; then, when A is not transposed, its rows packed 6 at a time
  ;; (≤ m·min(k, KC) doubles). `R` is the height of the register tile: 6 (the FMA build) runs the
  ;; full blocks of 6 rows on the one-pointer 6-row kernels and the last m mod 6 rows on the 4-row
  ;; kernels that read A in place; 4 (the plain SIMD build) runs every row on the 4-row kernels.
  ;; Either way every C element is summed over ascending k exactly as in the reference.
  (func (export "gemm") (param $transA i32) (param $transB i32) (param $m i32) (param $n i32) (param $k i32)
        (param $a i32) (param $b i32) (param $c i32) (param $acc i32) (param $pack i32) (param $R i32)
    (local $aRs i32) (local $aPs i32) (local $ldc i32) (local $np i32) (local $jp i32)
    (local $pc i32) (local $kk i32) (local $i i32) (local $nc i32) (local $bbase i32) (local $bPs i32)
    (local $accum i32) (local $q i32) (local $mFull i32) (local $apack i32) (local $ap i32) (local $apPs i32) (local $cp i32)
    (local $two i32) (local $i0 i32) (local $iEnd i32) (local $mc i32) (local $iFull i32)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 3)))
    (if (i32.or (i32.le_s (local.get $m) (i32.const 0)) (i32.le_s (local.get $n) (i32.const 0))) (then (return)))
    (if (i32.le_s (local.get $k) (i32.const 0))
      (then
        (if (i32.eqz (local.get $acc))
          (then (memory.fill (local.get $c) (i32.const 0) (i32.mul (local.get $m) (local.get $ldc)))))
        (return)))
    (if (local.get $transA)
      (then (local.set $aRs (i32.const 8)) (local.set $aPs (i32.shl (local.get $m) (i32.const 3))))
      (else (local.set $aRs (i32.shl (local.get $k) (i32.const 3))) (local.set $aPs (i32.const 8))))
    (local.set $np (i32.shr_u (i32.add (local.get $n) (i32.const 3)) (i32.const 2)))
    (local.set $mFull (select (i32.mul (i32.div_u (local.get $m) (i32.const 6)) (i32.const 6)) (i32.const 0) (i32.eq (local.get $R) (i32.const 6))))
    ;; Pack: every panel of a transposed B; only the ragged last panel of a plain B.
    (if (local.get $transB)
      (then
        (local.set $jp (i32.const 0))
        (loop $panels
          (call $pack_panel (local.get $b) (i32.const 8) (i32.shl (local.get $k) (i32.const 3))
            (i32.shl (local.get $jp) (i32.const 2)) (local.get $n) (local.get $k)
            (i32.add (local.get $pack) (i32.mul (local.get $jp) (i32.shl (local.get $k) (i32.const 5)))))
          (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
          (br_if $panels (i32.lt_u (local.get $jp) (local.get $np))))
        (local.set $apack (i32.add (local.get $pack) (i32.mul (local.get $np) (i32.shl (local.get $k) (i32.const 5))))))
      (else
        (if (i32.and (i32.ne (i32.and (local.get $n) (i32.const 3)) (i32.const 0))
                     (i32.ne (i32.and (local.get $n) (i32.const 3)) (i32.const 2)))
          (then
            (call $pack_panel (local.get $b) (local.get $ldc) (i32.const 8)
              (i32.shl (i32.sub (local.get $np) (i32.const 1)) (i32.const 2)) (local.get $n) (local.get $k) (local.get $pack))))
        (local.set $apack (i32.add (local.get $pack) (i32.shl (local.get $k) (i32.const 5))))))
    ;; Rows of C per sweep over the panels of B: chunks of MCT tiles when A is transposed, else all.
    (local.set $mc (select (i32.mul (local.get $R) (global.get $MCT)) (local.get $m) (local.get $transA)))
    (local.set $pc (i32.const 0))
    (loop $kblocks
      (local.set $kk (i32.sub (local.get $k) (local.get $pc)))
      (if (i32.gt_s (local.get $kk) (global.get $KC)) (then (local.set $kk (global.get $KC))))
      (local.set $accum (i32.or (local.get $acc) (i32.gt_s (local.get $pc) (i32.const 0))))
      ;; The full row blocks' A: a transposed A already has a tile's rows side by side; pack a plain
      ;; one (nothing when mFull is 0).
      (if (local.get $transA)
        (then (local.set $apPs (local.get $aPs)))
        (else
          (local.set $apPs (i32.const 48))
          (call $pack_rows (local.get $a) (local.get $aRs) (i32.const 6) (i32.div_u (local.get $mFull) (i32.const 6))
            (local.get $pc) (local.get $kk) (local.get $apack))))
      (local.set $i0 (i32.const 0))
      (loop $chunks
        (local.set $iEnd (i32.add (local.get $i0) (local.get $mc)))
        (if (i32.gt_s (local.get $iEnd) (local.get $m)) (then (local.set $iEnd (local.get $m))))
        (local.set $iFull (select (local.get $mFull) (local.get $iEnd) (i32.gt_s (local.get $iEnd) (local.get $mFull))))
        (local.set $jp (i32.const 0))
        (loop $panels2
          (local.set $nc (i32.sub (local.get $n) (i32.shl (local.get $jp) (i32.const 2))))
          (if (i32.gt_s (local.get $nc) (i32.const 4)) (then (local.set $nc (i32.const 4))))
          (local.set $two (i32.and (i32.eqz (local.get $transB)) (i32.eq (local.get $nc) (i32.const 2))))
          (if (local.get $transB)
            (then
              (local.set $bPs (i32.const 32))
              (local.set $bbase (i32.add (i32.add (local.get $pack) (i32.mul (local.get $jp) (i32.shl (local.get $k) (i32.const 5))))
                                         (i32.shl (local.get $pc) (i32.const 5)))))
            (else
              (if (i32.and (i32.lt_s (local.get $nc) (i32.const 4)) (i32.ne (local.get $nc) (i32.const 2)))
                (then
                  (local.set $bPs (i32.const 32))
                  (local.set $bbase (i32.add (local.get $pack) (i32.shl (local.get $pc) (i32.const 5)))))
                (else
                  (local.set $bPs (local.get $ldc))
                  (local.set $bbase (i32.add (i32.add (local.get $b) (i32.shl (local.get $jp) (i32.const 5)))
                                             (i32.mul (local.get $pc) (local.get $ldc))))))))
          ;; Full blocks of R rows.
          (local.set $i (local.get $i0))
          (block $fullDone
            (loop $full
              (br_if $fullDone (i32.ge_s (local.get $i) (local.get $iFull)))
              (local.set $ap (select
                (i32.add (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))) (i32.mul (local.get $pc) (local.get $aPs)))
                (i32.add (local.get $apack) (i32.mul (i32.shl (local.get $i) (i32.const 3)) (local.get $kk)))
                (local.get $transA)))
              (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $jp) (i32.const 5))))
              (if (local.get $two)
                (then (call $mk6p2 (local.get $ap) (local.get $apPs) (local.get $bbase) (local.get $bPs) (local.get $cp) (local.get $ldc) (local.get $kk) (local.get $accum)))
                (else (call $mk6p (local.get $ap) (local.get $apPs) (local.get $bbase) (local.get $bPs) (local.get $cp) (local.get $ldc) (local.get $kk) (local.get $accum) (local.get $nc))))
              (local.set $i (i32.add (local.get $i) (i32.const 6)))
              (br $full)))
          ;; The last m mod R rows, up to 4 at a time, A read in place.
          (block $tailDone
            (loop $rows
              (br_if $tailDone (i32.ge_s (local.get $i) (local.get $iEnd)))
              (local.set $q (i32.sub (local.get $m) (local.get $i)))
              (if (local.get $two)
                (then
                  (call $mk4x2
                    (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRs))) (i32.mul (local.get $pc) (local.get $aPs)))
                    (local.get $aRs) (local.get $aPs) (local.get $bbase) (local.get $bPs)
                    (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $jp) (i32.const 5)))
                    (local.get $ldc) (local.get $kk) (local.get $accum)
                    (select (i32.const 4) (local.get $q) (i32.gt_s (local.get $q) (i32.const 4)))))
                (else
                  (call $mk4
                    (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRs))) (i32.mul (local.get $pc) (local.get $aPs)))
                    (local.get $aRs) (local.get $aPs) (local.get $bbase) (local.get $bPs)
                    (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $jp) (i32.const 5)))
                    (local.get $ldc) (local.get $kk) (local.get $accum)
                    (select (i32.const 4) (local.get $q) (i32.gt_s (local.get $q) (i32.const 4)))
                    (local.get $nc))))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $rows)))
          (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
          (br_if $panels2 (i32.lt_u (local.get $jp) (local.get $np))))
        (local.set $i0 (local.get $iEnd))
        (br_if $chunks (i32.lt_s (local.get $i0) (local.get $m))))
      (local.set $pc (i32.add (local.get $pc) (global.get $KC)))
      (br_if $kblocks (i32.lt_s (local.get $pc) (local.get $k)))))

  ;; c + a·b in lane 0 of f64x2: exactly c + a·b rounded twice as written; in the FMA variant
  ;; (relaxed_madd) rounded once if the engine fuses it. The loader compares the two to know.
  (func (export "maddProbe") (param $a f64) (param $b f64) (param $c f64) (result f64)
    (f64x2.extract_lane 0
      (f64x2.add (f64x2.splat (local.get $c)) (f64x2.mul (f64x2.splat (local.get $a)) (f64x2.splat (local.get $b))))))

  ;; c[i, j] += bias[j].
  (func (export "addRowVector") (param $m i32) (param $n i32) (param $c i32) (param $bias i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n2 i32)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $row (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $vec
            (br_if $vdone (i32.ge_s (local.get $j) (local.get $n2)))
            (v128.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
              (f64x2.add (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                         (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $vec)))
        (if (i32.lt_s (local.get $j) (local.get $n))
          (then
            (f64.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
                       (f64.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; dst[j] = Σ_i src[i, j], i ascending, starting from 0.
  (func (export "colSum") (param $m i32) (param $n i32) (param $src i32) (param $dst i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n2 i32)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $row (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $vec
            (br_if $vdone (i32.ge_s (local.get $j) (local.get $n2)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3)))
              (f64x2.add (v128.load (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3))))
                         (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $vec)))
        (if (i32.lt_s (local.get $j) (local.get $n))
          (then
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3))))
                       (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out = x > 0 ? x : 0 (NaN → 0, like the reference's comparison).
  (func (export "relu") (param $len i32) (param $x i32) (param $out i32)
    (local $i i32) (local $v v128) (local $s f64) (local $len2 i32)
    (local.set $len2 (i32.and (local.get $len) (i32.const -2)))
    (block $vdone
      (loop $vec
        (br_if $vdone (i32.ge_s (local.get $i) (local.get $len2)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (v128.and (local.get $v) (f64x2.gt (local.get $v) (v128.const f64x2 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $vec)))
    (if (i32.lt_s (local.get $i) (local.get $len))
      (then
        (local.set $s (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (select (local.get $s) (f64.const 0) (f64.gt (local.get $s) (f64.const 0)))))))

  ;; dx = x > 0 ? dout : 0.
  (func (export "reluBackward") (param $len i32) (param $x i32) (param $dout i32) (param $dx i32)
    (local $i i32) (local $len2 i32) (local $o i32)
    (local.set $len2 (i32.and (local.get $len) (i32.const -2)))
    (block $vdone
      (loop $vec
        (br_if $vdone (i32.ge_s (local.get $i) (local.get $len2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (v128.store (i32.add (local.get $dx) (local.get $o))
          (v128.and (v128.load (i32.add (local.get $dout) (local.get $o)))
                    (f64x2.gt (v128.load (i32.add (local.get $x) (local.get $o))) (v128.const f64x2 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $vec)))
    (if (i32.lt_s (local.get $i) (local.get $len))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $dx) (local.get $o))
          (select (f64.load (i32.add (local.get $dout) (local.get $o))) (f64.const 0)
                  (f64.gt (f64.load (i32.add (local.get $x) (local.get $o))) (f64.const 0)))))))

  ;; Row-wise softmax, subtracting the row max; y may be x.
  (func (export "softmaxRows") (param $m i32) (param $n i32) (param $x i32) (param $y i32)
    (local $i i32) (local $j i32) (local $xi i32) (local $yi i32) (local $max f64) (local $sum f64) (local $e f64) (local $v f64)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $xi (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $yi (i32.add (local.get $y) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $max (f64.load (local.get $xi)))
        (local.set $j (i32.const 1))
        (block $mdone
          (loop $mx
            (br_if $mdone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $v (f64.load (i32.add (local.get $xi) (i32.shl (local.get $j) (i32.const 3)))))
            (if (f64.gt (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $mx)))
        (local.set $sum (f64.const 0))
        (local.set $j (i32.const 0))
        (block $edone
          (loop $ex
            (br_if $edone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $e (call $exp (f64.sub (f64.load (i32.add (local.get $xi) (i32.shl (local.get $j) (i32.const 3)))) (local.get $max))))
            (f64.store (i32.add (local.get $yi) (i32.shl (local.get $j) (i32.const 3))) (local.get $e))
            (local.set $sum (f64.add (local.get $sum) (local.get $e)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $ex)))
        (local.set $j (i32.const 0))
        (block $ddone
          (loop $dv
            (br_if $ddone (i32.ge_s (local.get $j) (local.get $n)))
            (f64.store (i32.add (local.get $yi) (i32.shl (local.get $j) (i32.const 3)))
              (f64.div (f64.load (i32.add (local.get $yi) (i32.shl (local.get $j) (i32.const 3)))) (local.get $sum)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $dv)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; −Σ_i log(y[i, t_i] + 1e-7) / m; labels are class indices stored as f64.
  (func (export "crossEntropy") (param $m i32) (param $n i32) (param $y i32) (param $labels i32) (result f64)
    (local $i i32) (local $sum f64) (local $t i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $t (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $sum (f64.add (local.get $sum)
          (call $log (f64.add
            (f64.load (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $t)) (i32.const 3))))
            (f64.const 1e-7)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (f64.div (f64.neg (local.get $sum)) (f64.convert_i32_s (local.get $m))))

  ;; dx = (y − onehot(t)) · (1/m), rounded like the engine's SoftmaxWithLoss layer (dout/N, then ×).
  (func (export "softmaxLossBackward") (param $m i32) (param $n i32) (param $y i32) (param $labels i32) (param $dx i32)
    (local $i i32) (local $j i32) (local $t i32) (local $o i32) (local $mf f64)
    (local.set $mf (f64.div (f64.const 1) (f64.convert_i32_s (local.get $m))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $t (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $j (i32.const 0))
        (block $cdone
          (loop $cols
            (br_if $cdone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
            (f64.store (i32.add (local.get $dx) (local.get $o))
              (f64.mul
                (f64.sub (f64.load (i32.add (local.get $y) (local.get $o)))
                         (select (f64.const 1) (f64.const 0) (i32.eq (local.get $j) (local.get $t))))
                (local.get $mf)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Rows whose first argmax equals the label.
  (func (export "countCorrect") (param $m i32) (param $n i32) (param $s i32) (param $labels i32) (result i32)
    (local $i i32) (local $j i32) (local $best i32) (local $bestv f64) (local $v f64) (local $row i32) (local $count i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $row (i32.add (local.get $s) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $best (i32.const 0))
        (local.set $bestv (f64.load (local.get $row)))
        (local.set $j (i32.const 1))
        (block $cdone
          (loop $cols
            (br_if $cdone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $v (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))
            (if (f64.gt (local.get $v) (local.get $bestv))
              (then (local.set $best (local.get $j)) (local.set $bestv (local.get $v))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (if (f64.eq (f64.convert_i32_s (local.get $best)) (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3)))))
          (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (local.get $count))

  ;; p = p − lr·g.
  (func (export "sgd") (param $len i32) (param $p i32) (param $g i32) (param $lr f64)
    (local $i i32) (local $len2 i32) (local $o i32) (local $lr2 v128)
    (local.set $len2 (i32.and (local.get $len) (i32.const -2)))
    (local.set $lr2 (f64x2.splat (local.get $lr)))
    (block $vdone
      (loop $vec
        (br_if $vdone (i32.ge_s (local.get $i) (local.get $len2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (v128.store (i32.add (local.get $p) (local.get $o))
          (f64x2.sub (v128.load (i32.add (local.get $p) (local.get $o)))
                     (f64x2.mul (local.get $lr2) (v128.load (i32.add (local.get $g) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $vec)))
    (if (i32.lt_s (local.get $i) (local.get $len))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $p) (local.get $o))
          (f64.sub (f64.load (i32.add (local.get $p) (local.get $o)))
                   (f64.mul (local.get $lr) (f64.load (i32.add (local.get $g) (local.get $o)))))))))
)
