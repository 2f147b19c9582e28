/**
 * Limits that keep any input harmless: each one, when exceeded, is a clear error at the place it
 * happens, never a crash, a hang or running out of memory.
 */

/**
 * Characters in a source file. A 200 kB program is far beyond any chapter-5 graph; large tensors
 * come from files (`load("w.npz", "W1")`), which this cap does not count.
 */
export const MAX_SOURCE_LENGTH = 200_000;

/**
 * Bytes of one file given to `load(…)`, read at most: a `.npy` of the largest tensor
 * (MAX_TENSOR_SIZE float64s) is 8 MB; an `.npz` may hold several arrays.
 */
export const MAX_LOAD_FILE_BYTES = 64 * 1024 * 1024;

/** Files one program may load. */
export const MAX_LOAD_FILES = 64;

/** Brackets, parentheses, calls and unary minus nested inside each other. Keeps recursion shallow. */
export const MAX_NESTING = 64;

/** Operators chained in one expression (`a + b + c + …`): bounds the height of the syntax tree. */
export const MAX_CHAIN = 1_000;

/**
 * Height of one statement's syntax tree (chains inside parentheses inside chains …). The compiler
 * walks the tree recursively, so this bounds its stack depth.
 */
export const MAX_TREE_HEIGHT = 1_500;

/** Nodes in a compiled graph (after expanding composite layers). */
export const MAX_NODES = 5_000;

/** Elements of any one tensor, e.g. `zeros(1000, 1000)` is the largest allowed. */
export const MAX_TENSOR_SIZE = 1_000_000;

/** Elements over all nodes of a graph: the stepper keeps a value and a gradient for each. */
export const MAX_TOTAL_SIZE = 5_000_000;

/**
 * Arithmetic operations (multiply-adds, or elements for elementwise operations) spent folding
 * constants while compiling: the editor compiles on every keystroke.
 */
export const MAX_FOLD_WORK = 5_000_000;

/**
 * Arithmetic operations for one forward pass of the graph: keeps every step well under a second
 * (e.g. two 1000×1000 matrices multiplied are 1,000,000,000 and over the limit).
 */
export const MAX_GRAPH_WORK = 200_000_000;

/** Largest seed for `seed N` (seeds are unsigned 32-bit integers). */
export const MAX_SEED = 4_294_967_295;
