/**
 * The .npy/.npz readers and the .npy writer against files numpy itself wrote: the committed tiny
 * fixtures (test/fixtures/npy, made with numpy 2.x) always, and fresh files of every dtype from
 * `python3 -c` where numpy is installed (required under CI=true).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NpyError, readNpy, writeNpy } from '../../../../src/engine/io/npy';
import { npzKeys, readNpz } from '../../../../src/engine/io/npz';
import { Tensor } from '../../../../src/engine/tensor';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'npy');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const LIMIT = 1_000_000;

export function numpyAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
}
const hasNumpy = numpyAvailable();
export const numpySkip = !hasNumpy && !process.env.CI ? 'numpy not found (apt-get install python3-numpy)' : false;

function python(code: string, cwd: string): string {
  const r = spawnSync('python3', ['-c', code], { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('npy: the committed files numpy wrote', () => {
  it('float64 matrix, float32 vector, ints, uint8, bool, scalar, big-endian, versions 2.0 and 3.0', () => {
    assert.deepEqual(readNpy(fixture('f8.npy'), LIMIT).tensor.toNested(), [[1.5, -2, 3.25], [0, 1e-3, -7]]);
    const f4 = readNpy(fixture('f4.npy'), LIMIT);
    assert.equal(f4.dtype, 'float32');
    assert.deepEqual(f4.tensor.toNested(), [0.5, -1.25, 3]);
    for (const dt of ['i1', 'i2', 'i4', 'i8']) assert.deepEqual(readNpy(fixture(`${dt}.npy`), LIMIT).tensor.toNested(), [[-3, 0, 7], [1, 2, 100]], dt);
    assert.deepEqual(readNpy(fixture('u1.npy'), LIMIT).tensor.toNested(), [[3, 0, 7], [1, 2, 255]]);
    assert.deepEqual(readNpy(fixture('b1.npy'), LIMIT).tensor.toNested(), [1, 0, 1]);
    const scalar = readNpy(fixture('scalar.npy'), LIMIT).tensor;
    assert.deepEqual(scalar.shape, []);
    assert.equal(scalar.item(), 4.5);
    assert.deepEqual(readNpy(fixture('f8_big_endian.npy'), LIMIT).tensor.toNested(), [1, -2.5]);
    assert.deepEqual(readNpy(fixture('v2.npy'), LIMIT).tensor.toNested(), [1, 2]);
    assert.deepEqual(readNpy(fixture('v3.npy'), LIMIT).tensor.toNested(), [3, 4]);
  });

  it('npz: stored (np.savez) and deflated (np.savez_compressed), keys listed', () => {
    assert.deepEqual(npzKeys(fixture('stored.npz')), ['W', 'b']);
    assert.deepEqual(readNpz(fixture('stored.npz'), 'W', LIMIT).tensor.toNested(), [[1.5, -2, 3.25], [0, 1e-3, -7]]);
    assert.deepEqual(readNpz(fixture('deflated.npz'), 't', LIMIT).tensor.toNested(), [2, 0]);
    assert.deepEqual(readNpz(fixture('deflated.npz'), 'W', LIMIT).tensor.toNested(), [[1.5, -2, 3.25], [0, 1e-3, -7]]);
  });

  const bad: [string, RegExp][] = [
    ['fortran.npy', /Fortran \(column-major\) order/],
    ['object.npy', /Python objects \(dtype object, stored with pickle\)/],
    ['rank3.npy', /3 dimensions/],
    ['complex.npy', /'<c16' \(complex numbers\) is not supported/],
    ['truncated.npy', /truncated: shape \(2, 3\) of float64 needs 48 bytes of data, but the file has 43/],
    ['not-npy.npy', /not a \.npy file/],
  ];
  for (const [name, message] of bad) {
    it(`${name}: a clear error`, () => {
      assert.throws(() => readNpy(fixture(name), LIMIT), (e: unknown) => e instanceof NpyError && message.test(e.message));
    });
  }

  it('sizes are bounded before allocating: the limit, a header that claims more than the file, a zip bomb header', () => {
    assert.throws(() => readNpy(fixture('f8.npy'), 5), /shape \(2, 3\), 6 elements; the limit is 5/);
    const huge = fixture('f8.npy').slice();
    // Claim 65535 header bytes in a 176-byte file.
    huge[8] = 0xff;
    huge[9] = 0xff;
    assert.throws(() => readNpy(huge, LIMIT), /truncated: the header claims 65,535 bytes/);
    assert.throws(() => readNpz(fixture('bomb.npz'), 'W', LIMIT), /2,147,483,648 bytes uncompressed/);
    assert.throws(() => readNpz(fixture('stored.npz'), 'nope', LIMIT), /no array 'nope'; its arrays are 'W', 'b'/);
    assert.throws(() => readNpz(fixture('f8.npy'), 'W', LIMIT), /not a readable \.npz/);
    // A shape whose product is astronomically large must not allocate.
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000000), }".padEnd(117) + '\n';
    const bytes = new Uint8Array(10 + header.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
    assert.throws(() => readNpy(bytes, LIMIT), /too many elements; the limit is 1,000,000/);
  });

  it('writeNpy round-trips through readNpy and pads the header to 64 bytes', () => {
    for (const t of [Tensor.scalar(-0.5), Tensor.from([1, 2, 3]), Tensor.from([[1e-300, -2], [Math.PI, 4]])]) {
      const bytes = writeNpy(t);
      const dataStart = 10 + (bytes[8] | (bytes[9] << 8));
      assert.equal(dataStart % 64, 0);
      const back = readNpy(bytes, LIMIT).tensor;
      assert.deepEqual(back.shape, t.shape);
      assert.deepEqual(Array.from(back.data), Array.from(t.data));
    }
  });
});

describe('npy: files numpy writes now, every dtype', { skip: numpySkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-npy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('numpy → readNpy for float64, float32, int8–int64, uint8–uint64, bool, both byte orders, C-ordered slices', () => {
    const out = python(
      `
import numpy as np, json
rng = np.random.default_rng(7)
base = rng.standard_normal((3, 4)) * 50
cases = {}
for dt in ['<f8', '>f8', '<f4', '>f4', 'i1', '<i2', '>i2', '<i4', '<i8', '>i8', 'u1', '<u2', '<u4', '<u8', '?']:
    a = np.abs(base).astype(dt) if dt[-2:] in ('u1', 'u2', 'u4', 'u8') else base.astype(dt)
    name = 'a_' + dt.replace('<', 'le').replace('>', 'be').replace('?', 'bool') + '.npy'
    np.save(name, a)
    cases[name] = a.astype(np.float64).tolist()
np.save('vec.npy', base[1])
cases['vec.npy'] = base[1].tolist()
np.save('col.npy', np.ascontiguousarray(base[:, 2:3]))
cases['col.npy'] = base[:, 2:3].tolist()
np.savez_compressed('all.npz', **{k[:-4]: np.load(k) for k in cases})
print(json.dumps(cases))
`,
      dir,
    );
    const cases = JSON.parse(out) as Record<string, number | number[] | number[][]>;
    assert.ok(Object.keys(cases).length >= 17);
    const archive = new Uint8Array(readFileSync(join(dir, 'all.npz')));
    for (const [name, expected] of Object.entries(cases)) {
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      assert.deepEqual(readNpy(bytes, LIMIT).tensor.toNested(), expected, name);
      assert.deepEqual(readNpz(archive, name.slice(0, -4), LIMIT).tensor.toNested(), expected, `all.npz/${name}`);
    }
  });

  it('writeNpy → np.load gives the same float64 values, shape and dtype', () => {
    const t = Tensor.from([[0.1, -2.5e-8, 3], [4, 5e300, -6]]);
    writeFileSync(join(dir, 'mine.npy'), writeNpy(t));
    const out = python(`import numpy as np, json; a = np.load('mine.npy'); print(json.dumps([a.dtype.str, list(a.shape), bool(a.flags.c_contiguous), a.tolist()]))`, dir);
    assert.deepEqual(JSON.parse(out), ['<f8', [2, 3], true, t.toNested()]);
  });
});
