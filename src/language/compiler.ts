/**
 * Compiles a `.backprop` program into an engine `Graph`.
 *
 * Decisions (documented for students in the README):
 * - A name bound to an expression without names is a leaf (an input that gets a gradient). Such
 *   constant expressions are folded into one value at compile time with the engine's own forward
 *   computations: `b = -1`, `y = 2 * 3` (a leaf with value 6), `W = randn(2, 3) * 0.01`.
 * - Inside an expression that does depend on names, every constant sub-expression is folded too
 *   and becomes one unnamed constant leaf (`const1`, …): `x * (2 * 3)` is one `mul` node with the
 *   constant 6. Constant leaves get no gradient.
 * - Every other sub-expression is one node. Unnamed nodes get labels from their operation and a
 *   counter (`mul1`, `add2`, `relu1`, `loss1`), skipping every name the program uses.
 * - `y = x` is an error: a node has one name, and copying would add a node with no operation.
 * - Assigning a name again (`x = x * 2`, `x *= 2`) makes a new version of it, as in Python: uses
 *   after it read the new version, uses before it the old one. Versions are separate nodes,
 *   labelled `x`, `x′`, `x″`, `x‴`, then `x⁽⁴⁾`, `x⁽⁵⁾`, … (`versionLabel`). A name must be assigned
 *   before it is used, so the graph can never have a cycle.
 * - `load("x.npy")` / `load("w.npz", "W1")` is a constant from a file (given by the caller as bytes);
 *   a name bound to it is a leaf that remembers its origin.
 * - `seed N` resets the generator for the `randn` calls after it; before any `seed`, the seed is 0.
 */
import type { Graph, GraphNode, OpKind, SourceRange, TensorOrigin } from '../engine/graph';
import { inferShape } from '../engine/layers';
import type { ShapeAttrs } from '../engine/shapes';
import { shapeSize, shapeToString, type Shape, Tensor } from '../engine/tensor';
import type { Expr, Program, Statement } from './ast';
import { ALL_FUNCTIONS, type ConstantFunction, isConstantFunction, isFunctionName, layerFunction, LOAD_FUNCTION } from './builtins';
import { confusableNote, type Diagnostic, nearestName } from './diagnostics';
import { createRandom, expandGraph, foldOp, labelValueError, type RandomSource } from './engineBridge';
import { type FileContents, loadArray } from './files';
import { MAX_FOLD_WORK, MAX_GRAPH_WORK, MAX_NODES, MAX_TENSOR_SIZE, MAX_TOTAL_SIZE } from './limits';

export interface IdentifierInfo {
  name: string;
  range: SourceRange;
  /** `definition`: left of `=`; `use`: a variable read; `function`: a called function's name. */
  role: 'definition' | 'use' | 'function';
  /** Definitions and uses that compiled: the label of the version of the name meant here (`x`, `x′`, …). */
  label?: string;
}

/** The label of version `version` (1-based) of a name: `x`, `x′`, `x″`, `x‴`, then `x⁽⁴⁾`, `x⁽⁵⁾`, … */
export function versionLabel(name: string, version: number): string {
  if (version <= 1) return name;
  if (version <= 4) return name + '′″‴'[version - 2];
  const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `${name}⁽${[...String(version - 1)].map((d) => SUPERSCRIPT[Number(d)]).join('')}⁾`;
}

export interface StatementInfo {
  kind: 'assign' | 'seed' | 'broken';
  /** The assigned name (`assign`, and `broken` lines that started with `name =`). */
  name?: string;
  nameRange?: SourceRange;
  /** The whole statement; may span several lines (a matrix written over lines). */
  range: SourceRange;
  /** `assign` only: whether the name is a leaf (bound to a constant expression). */
  leaf?: boolean;
  /** `assign` only, when it compiled: the label of the version this statement makes (`x′` for a second `x = …`). */
  label?: string;
}

interface MutableNode {
  id: number;
  op: OpKind;
  inputs: number[];
  name?: string;
  label: string;
  shape: Shape;
  value?: Tensor;
  constant?: boolean;
  exponent?: number;
  range: SourceRange;
  origin?: TensorOrigin;
}

/** A constant straight from `load(…)` keeps its origin (folding it into an expression drops it). */
type Value =
  | { kind: 'const'; tensor: Tensor; range: SourceRange; origin?: TensorOrigin }
  | { kind: 'node'; id: number; range: SourceRange }
  | { kind: 'poison' };

const POISON: Value = { kind: 'poison' };

/** Distinct undefined names that get a "did you mean" search (each search scans every name). */
const MAX_SUGGESTION_SEARCHES = 100;

/** Names a student might try for non-finite values (numpy spellings included). */
const NON_FINITE_NAMES: ReadonlySet<string> = new Set(['NaN', 'nan', 'NAN', 'Infinity', 'infinity', 'inf', 'Inf', 'INF']);

/** What an undefined name gets: a look-alike defined name explained, or a near typo. */
interface Suggestion {
  confusable?: string;
  suggestion?: string;
}

/** Stops compiling: a limit that makes going on pointless (already reported). */
class Abort extends Error {}

const BINARY_OPS: Readonly<Record<'+' | '-' | '*' | '/' | '@', OpKind>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '@': 'matmul' };

/** Label prefixes for unnamed nodes. */
const LABEL_PREFIX: Partial<Record<OpKind, string>> = { softmax_with_loss: 'loss', leaf: 'const' };

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function describeNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export interface LowerResult {
  graph?: Graph;
  diagnostics: Diagnostic[];
  statements: StatementInfo[];
  identifiers: IdentifierInfo[];
  outputName?: string;
}

/**
 * Values outside the program (the debugger's values at its cursor): a name the program does not
 * define is looked up here and used as a constant, or rejected with the resolver's message.
 */
export type NameResolver = (name: string) => { value: Tensor } | { error: string } | undefined;

export interface LowerOptions {
  expand?: boolean;
  /** The bytes of the files the program loads (see `fileReferences`). */
  files?: FileContents;
}

/**
 * `syntaxErrors`: the lexer or parser already reported errors (then "no assignment" is noise).
 * `outside`: values for names the program does not define (see NameResolver).
 */
export function lowerProgram(program: Program, options: LowerOptions, syntaxErrors = false, outside?: NameResolver): LowerResult {
  return new Compiler(program, syntaxErrors, options.files, outside).run(options);
}

class Compiler {
  private readonly nodes: MutableNode[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly identifiers: IdentifierInfo[] = [];
  private readonly statements: StatementInfo[] = [];
  /** Name → node id, or 'poison' when its statement had an error (uses stay silent). */
  private readonly bindings = new Map<string, number | 'poison'>();
  /** Line of the first definition of every name in the program, for "defined later" messages. */
  private readonly definitionLine = new Map<string, number>();
  private readonly usedLabels = new Set<string>();
  private readonly labelCounters = new Map<string, number>();
  private random: RandomSource = createRandom(0);
  private totalSize = 0;
  private readonly suggestions = new Map<string, Suggestion>();
  /** Edit-distance work spent on "did you mean" searches, shared by all of them (bounded). */
  private readonly suggestionBudget = { used: 0 };
  /** Arithmetic spent on constant folding, and needed by one forward pass of the graph. */
  private foldWork = 0;
  private foldBudgetReported = false;
  private graphWork = 0;
  /** The statement being compiled, for the self-reference message. */
  private currentName: string | undefined;
  /** Versions made so far per name (1 after the first assignment). */
  private readonly versions = new Map<string, number>();
  /** The node each compiled assignment made, for the "does not affect the output" warning. */
  private readonly statementNodes = new Map<StatementInfo, number>();

  constructor(
    private readonly program: Program,
    private readonly syntaxErrors: boolean,
    private readonly files: FileContents | undefined,
    private readonly outside?: NameResolver,
  ) {
    for (const s of program.statements) {
      if ((s.kind === 'assign' || s.kind === 'broken') && s.name !== undefined) {
        this.usedLabels.add(s.name);
        if (!this.definitionLine.has(s.name)) this.definitionLine.set(s.name, (s.kind === 'assign' ? s.nameRange : (s.nameRange ?? s.range)).start.line);
      }
    }
  }

  run(options: LowerOptions): LowerResult {
    let outputId: number | undefined;
    let outputName: string | undefined;
    let lastAssign: Statement | undefined;
    try {
      for (const s of this.program.statements) {
        this.compileStatement(s);
        if (s.kind === 'assign') {
          lastAssign = s;
          const b = this.bindings.get(s.name);
          outputId = typeof b === 'number' && this.nodes[b]?.name === s.name ? b : undefined;
          outputName = s.name;
        } else if (s.kind === 'broken' && s.name !== undefined) {
          lastAssign = s;
          outputId = undefined;
          outputName = s.name;
        }
      }
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
    }
    if (lastAssign === undefined && !this.syntaxErrors && !this.diagnostics.some((d) => d.severity === 'error')) {
      const first = this.program.statements[0];
      const range = first?.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
      this.error(range, 'the program has no assignment, so there is nothing to compute: write at least one, e.g. y = x * 2 (the last assignment is the output)');
    }
    const base = { diagnostics: this.diagnostics, statements: this.statements, identifiers: this.identifiers, outputName };
    if (this.diagnostics.some((d) => d.severity === 'error') || outputId === undefined) return base;
    if (!this.syntaxErrors) this.warnUnused(outputId);

    let graph: Graph = { nodes: this.nodes.map((n) => Object.freeze(n) as GraphNode), output: outputId };
    if (options.expand) {
      graph = expandGraph(graph);
      if (graph.nodes.length > MAX_NODES) {
        const n = graph.nodes[MAX_NODES];
        this.error(n.range, `expanding the composite layers gives ${formatCount(graph.nodes.length)} nodes, more than the limit of ${formatCount(MAX_NODES)}; step through the fused graph instead`);
        return base;
      }
    }
    return { ...base, graph };
  }

  /**
   * A warning for every named value the output does not depend on: its gradient is 0, which
   * surprises a student who expected it to take part.
   */
  private warnUnused(outputId: number): void {
    const needed = new Uint8Array(this.nodes.length);
    needed[outputId] = 1;
    for (let id = outputId; id >= 0; id--) {
      if (needed[id]) for (const i of this.nodes[id].inputs) needed[i] = 1;
    }
    const output = this.nodes[outputId].label;
    for (const s of this.statements) {
      if (s.kind !== 'assign' || s.name === undefined || s.nameRange === undefined) continue;
      const id = this.statementNodes.get(s);
      if (id === undefined || needed[id]) continue;
      const which = this.nodes[id].label === s.name ? `'${s.name}'` : `'${s.name}' (the version ${this.nodes[id].label} made here)`;
      this.diagnostics.push({ message: `${which} does not affect the output '${output}' (nothing that leads to '${output}' uses it), so its gradient is 0`, range: s.nameRange, severity: 'warning' });
    }
  }

  private error(range: SourceRange, message: string): void {
    this.diagnostics.push({ message, range, severity: 'error' });
  }

  private compileStatement(s: Statement): void {
    switch (s.kind) {
      case 'seed':
        this.random = createRandom(s.value);
        this.statements.push({ kind: 'seed', range: s.range });
        return;
      case 'broken':
        if (s.name !== undefined && s.nameRange !== undefined) {
          this.identifiers.push({ name: s.name, range: s.nameRange, role: 'definition' });
          if (!this.bindings.has(s.name)) this.bindings.set(s.name, 'poison');
        }
        this.statements.push(s.name !== undefined ? { kind: 'broken', name: s.name, nameRange: s.nameRange, range: s.range } : { kind: 'broken', range: s.range });
        return;
      case 'assign':
        this.compileAssign(s);
        return;
    }
  }

  private compileAssign(s: Extract<Statement, { kind: 'assign' }>): void {
    const definition: IdentifierInfo = { name: s.name, range: s.nameRange, role: 'definition' };
    this.identifiers.push(definition);
    const info: StatementInfo = { kind: 'assign', name: s.name, nameRange: s.nameRange, range: s.range };
    this.statements.push(info);
    let bindable = true;
    if (isFunctionName(s.name)) {
      this.error(s.nameRange, `'${s.name}' is the name of a function; choose another name for the variable`);
      bindable = false;
    }
    this.currentName = s.name;
    const value = this.lower(s.expr);
    this.currentName = undefined;
    if (!bindable) return;
    if (value.kind === 'poison') {
      this.bindings.set(s.name, 'poison');
      return;
    }
    const version = (this.versions.get(s.name) ?? 0) + 1;
    const label = versionLabel(s.name, version);
    let id: number;
    if (value.kind === 'const') {
      info.leaf = true;
      const leaf: Omit<MutableNode, 'id'> = { op: 'leaf', inputs: [], name: s.name, label, shape: value.tensor.shape, value: value.tensor, range: s.expr.range };
      if (value.origin !== undefined) leaf.origin = value.origin;
      id = this.addNode(leaf);
    } else {
      const node = this.nodes[value.id];
      if (node.name !== undefined) {
        const copy = node.name === s.name ? `'${s.name} = ${s.name}' changes nothing` : `'${s.name} = ${node.label}' would only give '${node.label}' a second name; use '${node.label}' directly (every node has one name)`;
        this.error(s.expr.range, copy);
        this.bindings.set(s.name, 'poison');
        return;
      }
      info.leaf = false;
      node.name = s.name;
      node.label = label;
      id = node.id;
    }
    this.versions.set(s.name, version);
    this.usedLabels.add(label);
    this.bindings.set(s.name, id);
    this.statementNodes.set(info, id);
    info.label = label;
    definition.label = label;
  }

  private lower(e: Expr): Value {
    switch (e.kind) {
      case 'number':
        if (!Number.isFinite(e.value)) {
          this.error(e.range, `this number is too large for a float64 (at most about 1.8e308): it would be ${describeNumber(e.value)}, and only finite numbers are allowed`);
          return POISON;
        }
        return { kind: 'const', tensor: Tensor.scalar(e.value), range: e.range };
      case 'name':
        return this.lowerName(e);
      case 'string':
        this.error(e.range, `a string here means nothing: strings are file names given to load(…), e.g. load("x.npy")`);
        return POISON;
      case 'unary':
        return this.lowerOp('neg', [e.operand], e.range);
      case 'binary':
        if (e.op === '**') return this.lowerPower(e.left, e.right, e.range);
        return this.lowerOp(BINARY_OPS[e.op], [e.left, e.right], e.range);
      case 'call':
        return this.lowerCall(e);
      case 'array':
        return this.lowerArray(e);
    }
  }

  private lowerName(e: Extract<Expr, { kind: 'name' }>): Value {
    const use: IdentifierInfo = { name: e.name, range: e.range, role: 'use' };
    this.identifiers.push(use);
    const b = this.bindings.get(e.name);
    if (b === 'poison') return POISON;
    if (b !== undefined) {
      use.label = this.nodes[b].label;
      return { kind: 'node', id: b, range: e.range };
    }
    const given = this.outside?.(e.name);
    if (given !== undefined) {
      if ('value' in given) return { kind: 'const', tensor: given.value, range: e.range };
      this.error(e.range, given.error);
      return POISON;
    }
    if (e.name === this.currentName) {
      this.error(e.range, `'${e.name}' is used in its own definition before it has a value; assign it first (e.g. ${e.name} = 1), then '${e.name} = ${e.name} * 2' makes a new version`);
      return POISON;
    }
    const laterLine = this.definitionLine.get(e.name);
    if (laterLine !== undefined) {
      this.error(e.range, `'${e.name}' is used before it is defined (on line ${laterLine}); move that line above this one`);
      return POISON;
    }
    if (NON_FINITE_NAMES.has(e.name)) {
      this.error(e.range, `'${e.name}' is not allowed: every value must be a finite number`);
      return POISON;
    }
    if (isFunctionName(e.name)) {
      this.error(e.range, `'${e.name}' is a function; call it with parentheses, e.g. ${e.name}(x)`);
      return POISON;
    }
    const { confusable, suggestion } = this.suggestName(e.name);
    if (confusable !== undefined) {
      this.error(e.range, `'${e.name}' is not defined: ${confusable} (type the name again)`);
      return POISON;
    }
    this.error(e.range, `'${e.name}' is not defined${suggestion ? ` (did you mean '${suggestion}'?)` : '; define it first, e.g. ' + e.name + ' = 1'}`);
    return POISON;
  }

  /**
   * "Did you mean …?" for an undefined name. Cached per name and limited in number: each search
   * compares against every defined name, and a file full of undefined names must stay fast.
   */
  private suggestName(name: string): Suggestion {
    const cached = this.suggestions.get(name);
    if (cached !== undefined) return cached;
    if (this.suggestions.size >= MAX_SUGGESTION_SEARCHES) return {};
    const confusable = confusableNote(name, this.bindings.keys());
    const found: Suggestion = confusable !== undefined ? { confusable } : { suggestion: nearestName(name, this.bindings.keys(), this.suggestionBudget) };
    this.suggestions.set(name, found);
    return found;
  }

  private lowerPower(baseExpr: Expr, expExpr: Expr, range: SourceRange): Value {
    const base = this.lower(baseExpr);
    const exponent = this.lower(expExpr);
    if (exponent.kind === 'node') {
      this.error(expExpr.range, `the exponent of ** must be a constant number, but this one depends on the variable '${this.someName(exponent.id)}'`);
      return POISON;
    }
    if (base.kind === 'poison' || exponent.kind === 'poison') return POISON;
    if (exponent.tensor.size !== 1 || exponent.tensor.rank !== 0) {
      this.error(expExpr.range, `the exponent of ** must be a single number, but its shape is ${shapeToString(exponent.tensor.shape)}`);
      return POISON;
    }
    return this.apply('pow', [base], range, { exponent: exponent.tensor.data[0] });
  }

  private lowerOp(op: OpKind, args: Expr[], range: SourceRange): Value {
    const values = args.map((a) => this.lower(a));
    return this.apply(op, values, range);
  }

  /** Applies an operation: folds it when every input is constant, otherwise adds a node. */
  private apply(op: OpKind, values: Value[], range: SourceRange, attrs?: ShapeAttrs): Value {
    if (values.some((v) => v.kind === 'poison')) return POISON;
    const shapes = values.map((v) => this.shapeOf(v));
    const inferred = inferShape(op, shapes, attrs);
    if ('error' in inferred) {
      this.error(range, inferred.error);
      return POISON;
    }
    if (!this.checkSize(inferred.shape, range)) return POISON;
    const work = opWork(op, shapes, inferred.shape);
    if (values.every((v) => v.kind === 'const')) {
      if (!this.spendFoldWork(work, range)) return POISON;
      const tensors = values.map((v) => (v as Extract<Value, { kind: 'const' }>).tensor);
      const folded = foldOp(op, tensors, attrs);
      const bad = firstNonFinite(folded);
      if (bad !== undefined) {
        this.error(range, `this constant expression gives ${describeNumber(bad)}; only finite numbers are allowed`);
        return POISON;
      }
      return { kind: 'const', tensor: folded, range };
    }
    this.graphWork += work;
    if (this.graphWork > MAX_GRAPH_WORK) {
      this.error(range, `one forward pass of this graph would take about ${formatCount(this.graphWork)} arithmetic operations, more than the limit of ${formatCount(MAX_GRAPH_WORK)}; use smaller matrices`);
      throw new Abort();
    }
    const inputs = values.map((v) => this.materialize(v));
    const node: Omit<MutableNode, 'id'> = { op, inputs, label: this.nextLabel(op), shape: inferred.shape, range };
    if (attrs?.exponent !== undefined) node.exponent = attrs.exponent;
    return { kind: 'node', id: this.addNode(node), range };
  }

  /** A variable name the node depends on (itself when named), for messages. */
  private someName(id: number): string {
    const stack = [id];
    const seen = new Set<number>();
    while (stack.length > 0) {
      const n = this.nodes[stack.pop() as number];
      if (n.name !== undefined) return n.name;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      stack.push(...n.inputs);
    }
    return this.nodes[id].label;
  }

  /** Charges constant folding (done on every keystroke in the editor) against its budget. */
  private spendFoldWork(work: number, range: SourceRange): boolean {
    this.foldWork += work;
    if (this.foldWork <= MAX_FOLD_WORK) return true;
    if (this.foldBudgetReported) return false; // said once; later constants just fail quietly
    this.foldBudgetReported = true;
    this.error(range, `computing the constants of this program takes about ${formatCount(this.foldWork)} arithmetic operations, more than the ${formatCount(MAX_FOLD_WORK)} allowed while compiling; use smaller constants`);
    return false;
  }

  private shapeOf(v: Value): Shape {
    if (v.kind === 'const') return v.tensor.shape;
    if (v.kind === 'node') return this.nodes[v.id].shape;
    return [];
  }

  /** A node id for a value: constants become unnamed constant leaves. */
  private materialize(v: Value): number {
    if (v.kind === 'node') return v.id;
    if (v.kind === 'const') {
      const leaf: Omit<MutableNode, 'id'> = { op: 'leaf', inputs: [], label: this.nextLabel('leaf'), shape: v.tensor.shape, value: v.tensor, constant: true, range: v.range };
      if (v.origin !== undefined) leaf.origin = v.origin;
      return this.addNode(leaf);
    }
    throw new Error('internal: poisoned value reached a node');
  }

  private lowerCall(e: Extract<Expr, { kind: 'call' }>): Value {
    this.identifiers.push({ name: e.callee, range: e.calleeRange, role: 'function' });
    if (isConstantFunction(e.callee)) return this.lowerConstantCall(e, e.callee);
    if (e.callee === LOAD_FUNCTION) return this.lowerLoad(e);
    const layer = layerFunction(e.callee);
    if (layer === undefined) {
      e.args.forEach((a) => this.lower(a)); // still report errors inside the arguments
      if (this.bindings.has(e.callee)) {
        this.error(e.calleeRange, `'${e.callee}' is a variable, not a function (to multiply, write ${e.callee} * (…))`);
      } else {
        const suggestion = nearestName(e.callee, ALL_FUNCTIONS, this.suggestionBudget);
        this.error(e.calleeRange, `unknown function '${e.callee}'${suggestion ? ` (did you mean '${suggestion}'?)` : `; the functions are ${ALL_FUNCTIONS.join(', ')}`}`);
      }
      return POISON;
    }
    if (e.args.length !== layer.params.length) {
      const expected = layer.params.length === 1 ? '1 argument' : `${layer.params.length} arguments`;
      this.error(e.range, `${e.callee}(${layer.params.join(', ')}) takes ${expected}, but ${e.args.length} ${e.args.length === 1 ? 'was' : 'were'} given`);
      e.args.forEach((a) => this.lower(a));
      return POISON;
    }
    const values = e.args.map((a) => this.lower(a));
    if (layer.op === 'softmax_with_loss') {
      const t = values[1];
      if (t.kind === 'node') {
        const node = this.nodes[t.id];
        if (node.op !== 'leaf') {
          this.error(e.args[1].range, `softmax_with_loss(x, t): t must be the one-hot labels, a constant such as [[0, 0, 1]] or a name bound to one; '${node.label}' is computed by an operation`);
          return POISON;
        }
        // The labels are data, not a parameter: they get no gradient (as in the book).
        node.constant = true;
      }
      const labels = t.kind === 'const' ? t.tensor : t.kind === 'node' ? this.nodes[t.id].value : undefined;
      if (labels !== undefined && values[0].kind !== 'poison') {
        const error = labelValueError(this.shapeOf(values[0]), labels);
        if (error !== undefined) {
          this.error(e.args[1].range, error);
          return POISON;
        }
      }
    }
    return this.apply(layer.op, values, e.range);
  }

  /** `load("x.npy")` or `load("w.npz", "W1")`: a constant tensor from the caller-supplied file bytes. */
  private lowerLoad(e: Extract<Expr, { kind: 'call' }>): Value {
    const usage = 'load("file.npy") or load("file.npz", "key")';
    if (e.args.length < 1 || e.args.length > 2) {
      this.error(e.range, `${usage} takes 1 or 2 arguments, but ${e.args.length} ${e.args.length === 1 ? 'was' : 'were'} given`);
      return POISON;
    }
    const [pathArg, keyArg] = e.args;
    if (pathArg.kind !== 'string' || (keyArg !== undefined && keyArg.kind !== 'string')) {
      const bad = pathArg.kind !== 'string' ? pathArg : (keyArg as Expr);
      this.error(bad.range, `the arguments of load(…) are strings in quotes: ${usage}`);
      return POISON;
    }
    const path = pathArg.value;
    const key = keyArg?.kind === 'string' ? keyArg.value : undefined;
    const lower = path.toLowerCase();
    if (!lower.endsWith('.npy') && !lower.endsWith('.npz')) {
      this.error(pathArg.range, `load(…) reads numpy files: the name must end in .npy (np.save) or .npz (np.savez), not '${path}'`);
      return POISON;
    }
    const content = this.files?.get(path);
    if (content === undefined) {
      this.error(e.range, `'${path}' was not read: this program was compiled without access to files`);
      return POISON;
    }
    if ('error' in content) {
      this.error(e.range, `cannot read '${path}': ${content.error}`);
      return POISON;
    }
    const loaded = loadArray(path, key, content.bytes, MAX_TENSOR_SIZE);
    if ('error' in loaded) {
      this.error(e.range, `load("${path}"${key === undefined ? '' : `, "${key}"`}): ${loaded.error}`);
      return POISON;
    }
    const { tensor } = loaded;
    if (!this.checkSize(tensor.shape, e.range)) return POISON;
    if (!this.spendFoldWork(tensor.size, e.range)) return POISON;
    const bad = firstNonFiniteIndex(tensor);
    if (bad !== undefined) {
      const where = tensor.rank === 2 ? `[${Math.floor(bad / tensor.shape[1])}, ${bad % tensor.shape[1]}]` : tensor.rank === 1 ? `[${bad}]` : '';
      this.error(e.range, `load("${path}"${key === undefined ? '' : `, "${key}"`}): the value${where} is ${describeNumber(tensor.data[bad])}; only finite numbers are allowed`);
      return POISON;
    }
    const origin: TensorOrigin = key === undefined ? { file: path, dtype: loaded.dtype } : { file: path, key, dtype: loaded.dtype };
    return { kind: 'const', tensor, range: e.range, origin };
  }

  private lowerConstantCall(e: Extract<Expr, { kind: 'call' }>, fn: ConstantFunction): Value {
    const maxArgs = fn === 'eye' ? 1 : 2;
    if (e.args.length < 1 || e.args.length > maxArgs) {
      const usage = fn === 'eye' ? 'eye(n)' : `${fn}(n) or ${fn}(rows, cols)`;
      this.error(e.range, `${usage} takes ${fn === 'eye' ? '1 argument' : '1 or 2 arguments'}, but ${e.args.length} ${e.args.length === 1 ? 'was' : 'were'} given`);
      e.args.forEach((a) => this.lower(a));
      return POISON;
    }
    const sizes: number[] = [];
    let ok = true;
    for (const a of e.args) {
      const v = this.lower(a);
      if (v.kind === 'poison') {
        ok = false;
        continue;
      }
      if (v.kind === 'node' || v.tensor.size !== 1 || v.tensor.rank !== 0) {
        this.error(a.range, `the sizes given to ${fn}( ) must be constant whole numbers`);
        ok = false;
        continue;
      }
      const n = v.tensor.data[0];
      if (!Number.isInteger(n) || n < 1) {
        this.error(a.range, `a size must be a whole number of at least 1, not ${n}`);
        ok = false;
        continue;
      }
      sizes.push(n);
    }
    if (!ok) return POISON;
    const shape = fn === 'eye' ? [sizes[0], sizes[0]] : sizes;
    if (!this.checkSize(shape, e.range)) return POISON;
    if (!this.spendFoldWork(shapeSize(shape), e.range)) return POISON;
    let tensor: Tensor;
    switch (fn) {
      case 'zeros':
        tensor = Tensor.zeros(shape);
        break;
      case 'ones':
        tensor = Tensor.full(shape, 1);
        break;
      case 'randn':
        tensor = this.random.randn(shape);
        break;
      case 'eye': {
        tensor = Tensor.zeros(shape);
        for (let i = 0; i < sizes[0]; i++) tensor.data[i * sizes[0] + i] = 1;
        break;
      }
    }
    return { kind: 'const', tensor, range: e.range };
  }

  private lowerArray(e: Extract<Expr, { kind: 'array' }>): Value {
    const values = e.elements.map((el) => this.lower(el));
    let ok = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v.kind === 'poison') ok = false;
      else if (v.kind === 'node') {
        this.error(e.elements[i].range, `the values in [ ] must be numbers or constant expressions, but this one depends on the variable '${this.someName(v.id)}' (build it with operations instead)`);
        ok = false;
      }
    }
    if (!ok) return POISON;
    const tensors = values.map((v) => (v as Extract<Value, { kind: 'const' }>).tensor);
    const first = tensors[0];
    if (first.rank === 0) {
      const data = new Float64Array(tensors.length);
      for (let i = 0; i < tensors.length; i++) {
        if (tensors[i].rank !== 0) {
          this.error(e.elements[i].range, `this vector mixes numbers and rows: entry ${i + 1} is a ${tensors[i].rank === 1 ? 'row' : 'matrix'}, entry 1 a number`);
          return POISON;
        }
        data[i] = tensors[i].data[0];
      }
      return { kind: 'const', tensor: new Tensor([data.length], data), range: e.range };
    }
    if (first.rank === 2) {
      this.error(e.elements[0].range, 'only vectors [1, 2] and matrices [[1, 2], [3, 4]] are supported: this has too many levels of brackets');
      return POISON;
    }
    const cols = first.shape[0];
    for (let i = 1; i < tensors.length; i++) {
      const t = tensors[i];
      if (t.rank !== 1) {
        const what = t.rank === 0 ? 'a single number' : 'a matrix';
        this.error(e.elements[i].range, `row ${i + 1} of this matrix is ${what}, but row 1 is a row of ${cols} values; every row must be written as [ … ]`);
        return POISON;
      }
      if (t.shape[0] !== cols) {
        this.error(e.elements[i].range, `ragged matrix: row ${i + 1} has ${t.shape[0]} value${t.shape[0] === 1 ? '' : 's'} but row 1 has ${cols}; every row needs the same number of values`);
        return POISON;
      }
    }
    const shape = [tensors.length, cols];
    if (!this.checkSize(shape, e.range)) return POISON;
    const data = new Float64Array(tensors.length * cols);
    tensors.forEach((t, i) => data.set(t.data, i * cols));
    return { kind: 'const', tensor: new Tensor(shape, data), range: e.range };
  }

  private checkSize(shape: Shape, range: SourceRange): boolean {
    const size = shapeSize(shape);
    if (size > MAX_TENSOR_SIZE) {
      this.error(range, `this value would have shape ${shapeToString(shape)} with ${formatCount(size)} elements; the limit is ${formatCount(MAX_TENSOR_SIZE)} per tensor`);
      return false;
    }
    return true;
  }

  private addNode(n: Omit<MutableNode, 'id'>): number {
    if (this.nodes.length >= MAX_NODES) {
      this.error(n.range, `the graph has more than ${formatCount(MAX_NODES)} nodes, the limit; make the program smaller`);
      throw new Abort();
    }
    this.totalSize += shapeSize(n.shape);
    if (this.totalSize > MAX_TOTAL_SIZE) {
      this.error(n.range, `the values of the graph add up to more than ${formatCount(MAX_TOTAL_SIZE)} numbers, the limit; use smaller tensors`);
      throw new Abort();
    }
    const id = this.nodes.length;
    this.nodes.push({ ...n, id });
    this.usedLabels.add(n.label);
    return id;
  }

  private nextLabel(op: OpKind): string {
    const prefix = LABEL_PREFIX[op] ?? op;
    let k = this.labelCounters.get(prefix) ?? 0;
    let label: string;
    do {
      k++;
      label = `${prefix}${k}`;
    } while (this.usedLabels.has(label));
    this.labelCounters.set(prefix, k);
    return label;
  }
}

/** Rough arithmetic cost of one forward computation of `op` (multiply-adds or elements). */
function opWork(op: OpKind, inputs: readonly Shape[], output: Shape): number {
  const size = (sh: Shape): number => shapeSize(sh);
  if (op === 'matmul') {
    const a = inputs[0];
    const k = a[a.length - 1] ?? 1;
    return Math.max(1, size(output)) * k;
  }
  if (op === 'affine') {
    const w = inputs[1];
    return size(output) * (w[0] ?? 1) + size(output);
  }
  return Math.max(size(output), ...inputs.map(size));
}

function firstNonFinite(t: Tensor): number | undefined {
  const i = firstNonFiniteIndex(t);
  return i === undefined ? undefined : t.data[i];
}

function firstNonFiniteIndex(t: Tensor): number | undefined {
  for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) return i;
  return undefined;
}
