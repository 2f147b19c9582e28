"""Backprop Stepper's tracer: runs a student's Python script and records what really ran.

    python3 backprop_trace.py --out TRACE.json [options] SCRIPT.py [SCRIPT ARGS...]

The script runs as `python SCRIPT.py` from its own folder would. Every call of `forward` and
`backward` on an object whose class has both (the book's layers) is recorded in order, with copies
of its arguments, results, parameters and parameter gradients; `.backward()` on a micrograd-style
value (`data`, `grad`, `_prev`, `_op`) records the graph reachable from it. Each recorded backward
is checked numerically on a deep copy of the layer as it was before its forward call. The document
written to --out is described in TRACE_FORMAT.md beside this file (the contract with the extension).

Standard library and numpy only; Python 3.8+; numpy 1.x and 2.x.
"""

import argparse
import ast
import copy
import json
import linecache
import math
import os
import re
import sys
import sysconfig
import threading
import time
import traceback
import weakref
import zlib

FORMAT_VERSION = 1
TRACER_FILE = os.path.abspath(__file__)

# A forward/backward call is not recorded while a function whose name matches this is running: the
# book's numerical_gradient / numerical_diff / _numerical_gradient_1d / numerical_gradient_2d, a
# student's numeric_grad, num_grad, finite_difference... Those loops evaluate the loss twice per
# parameter element.
NUMERIC_LOOP_RE = re.compile(r"numeric(al)?_?(grad|diff)|^_?num_?grad|finite_?diff", re.IGNORECASE)
MICROGRAD_ATTRS = ("data", "grad", "_prev", "_op")
CHECK_TOLERANCE = 1e-4
CHECK_SECONDS = 20.0  # all numerical checks of a run together (at most a third of --time-limit)
MIN_CHECK_EVALS = 40  # --check-seconds gives a slow forward fewer evaluations, but never fewer than this
MAX_SCAN = 1000  # dicts / lists longer than this are not searched for names
MAX_FRAMES = 30  # caller frames searched for names
MAX_MICROGRAD_NODES = 100000
GRACE_SECONDS = 2.0  # after --time-limit, how long the script has to react to KeyboardInterrupt

np = None  # numpy, imported in main() (exit 3 when missing)


# ----------------------------------------------------------------------------------------------
# Small helpers


def _finite(x):
    """A float for JSON: non-finite numbers as the strings the format allows."""
    if x != x:
        return "NaN"
    if x == math.inf:
        return "Infinity"
    if x == -math.inf:
        return "-Infinity"
    return x


def _number(x):
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return None
    return _finite(f)


_STD_DIRS = None


def _std_dirs():
    global _STD_DIRS
    if _STD_DIRS is None:
        dirs = set()
        paths = sysconfig.get_paths()
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            p = paths.get(key)
            if p:
                dirs.add(os.path.normcase(os.path.abspath(p)))
        _STD_DIRS = tuple(d + os.sep for d in dirs)
    return _STD_DIRS


_USER_FILE_CACHE = {}


def is_user_file(filename):
    """True for the student's files: not the tracer, the standard library or installed packages."""
    r = _USER_FILE_CACHE.get(filename)
    if r is None:
        if not filename or filename.startswith("<"):
            r = False
        else:
            path = os.path.normcase(os.path.abspath(filename))
            r = not (
                path == os.path.normcase(TRACER_FILE)
                or "site-packages" in path
                or "dist-packages" in path
                or any(path.startswith(d) for d in _std_dirs())
            )
        _USER_FILE_CACHE[filename] = r
    return r


def _char_column(filename, lineno, byte_col):
    """ast and co_positions count UTF-8 bytes; editors count characters. 1-based."""
    line = linecache.getline(filename, lineno)
    if byte_col is None:
        stripped = len(line) - len(line.lstrip())
        return stripped + 1
    try:
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1
    except Exception:
        return byte_col + 1


def _position(code, lasti):
    """(lineno, end_lineno, col, end_col) of the instruction at lasti (Python 3.11+), else None."""
    positions = getattr(code, "co_positions", None)
    if positions is None or lasti is None or lasti < 0:
        return None
    try:
        for i, pos in enumerate(positions()):
            if i == lasti // 2:
                return pos
    except Exception:
        return None
    return None


# ----------------------------------------------------------------------------------------------
# Source analysis: call sites, assignment targets, names that are assigned once


class _Source:
    def __init__(self, filename):
        self.tree = None
        self.parents = {}
        self.calls = []  # every ast.Call, in source order
        self.scopes = {}  # (name, firstlineno) -> (counts, loop_names)
        try:
            text = "".join(linecache.getlines(filename))
            if text:
                self.tree = ast.parse(text, filename)
        except Exception:
            self.tree = None
        if self.tree is None:
            return
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, ast.Call):
                self.calls.append(node)
        self.calls.sort(key=lambda n: (n.lineno, n.col_offset))

    def statement(self, node):
        while node is not None and not isinstance(node, ast.stmt):
            node = self.parents.get(node)
        return node

    def in_loop(self, node):
        """True when node runs inside a for/while loop (or comprehension) of its own scope."""
        child, node = node, self.parents.get(node)
        while node is not None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)):
                return False
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and child not in getattr(node, "orelse", []):
                return True
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                return True
            child, node = node, self.parents.get(node)
        return False

    def scope_info(self, code):
        key = (code.co_name, code.co_firstlineno)
        info = self.scopes.get(key)
        if info is not None:
            return info
        scope = None
        if self.tree is not None:
            if code.co_name == "<module>":
                scope = self.tree
            else:
                for node in ast.walk(self.tree):
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == code.co_name:
                        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                        if first == code.co_firstlineno or node.lineno == code.co_firstlineno:
                            scope = node
                            break
        counts, loops = {}, set()
        if scope is not None:
            if not isinstance(scope, ast.Module):
                a = scope.args
                for arg in list(getattr(a, "posonlyargs", [])) + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
                    if arg is not None:
                        counts[arg.arg] = counts.get(arg.arg, 0) + 1
            self._count(scope, counts, loops, False)
        else:
            loops = None  # a comprehension, a lambda or code we cannot read: no name is "assigned once"
        info = (counts, loops)
        self.scopes[key] = info
        return info

    def _count(self, node, counts, loops, in_loop):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                counts[child.name] = counts.get(child.name, 0) + 1
                continue
            if isinstance(child, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                counts[child.id] = counts.get(child.id, 0) + 1
                if in_loop:
                    loops.add(child.id)
            loop = in_loop or isinstance(child, (ast.For, ast.AsyncFor, ast.While))
            if isinstance(child, (ast.For, ast.AsyncFor)):
                for t in ast.walk(child.target):
                    if isinstance(t, ast.Name):
                        loops.add(t.id)
            self._count(child, counts, loops, loop)


_SOURCES = {}


def _source(filename):
    src = _SOURCES.get(filename)
    if src is None:
        src = _SOURCES[filename] = _Source(filename)
    return src


def _const_key(sub):
    """The constant key of `d['W1']` (Python 3.8's ast.Index included), else None."""
    s = sub.slice
    if s.__class__.__name__ == "Index":  # Python 3.8
        s = s.value
    if isinstance(s, ast.Constant):
        return s.value
    return None


def expr_name(node):
    """The name a student reads in an expression: `apple`, `self.lastLayer` → lastLayer,
    `net.params['W1']` → W1."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = _const_key(node)
        if isinstance(key, str):
            return key
    return None


def is_literal(node):
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)


def stable_in(frame, name):
    """True when `name` is assigned once in the frame's function (or module) and not in a loop."""
    src = _source(frame.f_code.co_filename)
    counts, loops = src.scope_info(frame.f_code)
    return loops is not None and counts.get(name, 0) <= 1 and name not in loops


def stable_name(node, frame):
    """expr_name(node), unless it is a bare name the frame assigns more than once or in a loop
    (then the name may stand for another value at this call): None."""
    nm = expr_name(node)
    if nm is not None and (not isinstance(node, ast.Name) or stable_in(frame, nm)):
        return nm
    return None


def _resolve(node, frame):
    """The object a simple expression (name, attribute, constant subscript) denotes, without
    calling anything; _MISSING when it cannot be told."""
    if isinstance(node, ast.Name):
        loc = frame.f_locals
        if node.id in loc:
            return loc[node.id]
        if node.id in frame.f_globals:
            return frame.f_globals[node.id]
        return _MISSING
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, frame)
        if base is _MISSING:
            return _MISSING
        d = getattr(base, "__dict__", None)
        if isinstance(d, dict) and node.attr in d:
            return d[node.attr]
        return _MISSING
    if isinstance(node, ast.Subscript):
        base = _resolve(node.value, frame)
        key = _const_key(node)
        if isinstance(base, dict) and key is not None:
            try:
                return base.get(key, _MISSING)
            except TypeError:
                return _MISSING
        return _MISSING
    return _MISSING


_MISSING = object()


class CallSite:
    """Where a call was written: file, line, column, the ast.Call (when found) and its source."""

    def __init__(self, frame, method, receiver_obj):
        self.frame = frame
        code = frame.f_code
        self.file = code.co_filename
        self.line = frame.f_lineno
        self.column = None
        self.node = None
        self.src = _source(self.file)
        pos = _position(code, frame.f_lasti)
        candidates = []
        if pos is not None and pos[0] is not None:
            for call in self.src.calls:
                if (call.lineno, call.col_offset, call.end_lineno, call.end_col_offset) == tuple(pos):
                    candidates = [call]
                    break
        if not candidates:
            line = pos[0] if pos is not None and pos[0] is not None else self.line
            for call in self.src.calls:
                if call.lineno <= line <= getattr(call, "end_lineno", call.lineno) and self._matches(call, method):
                    candidates.append(call)
        if len(candidates) > 1:
            same = [c for c in candidates if _resolve(self._receiver(c), frame) is receiver_obj]
            candidates = same or candidates
        if candidates:
            self.node = candidates[0]
            self.line = self.node.lineno
            self.column = _char_column(self.file, self.node.lineno, self.node.col_offset)
        else:
            if pos is not None and pos[0] is not None:
                self.line = pos[0]
                self.column = _char_column(self.file, pos[0], pos[2])
            else:
                self.column = _char_column(self.file, self.line, None)

    @staticmethod
    def _matches(call, method):
        f = call.func
        if isinstance(f, ast.Attribute):
            return f.attr == method or method == "__call__"
        return method == "__call__"

    @staticmethod
    def _receiver(call):
        f = call.func
        if isinstance(f, ast.Attribute) and f.attr in ("forward", "backward"):
            return f.value
        return f

    def receiver(self):
        return self._receiver(self.node) if self.node is not None else None

    def arg_exprs(self, params):
        """forward's parameter name → the argument expression written at the call."""
        out = {}
        if self.node is None:
            return out
        for i, a in enumerate(self.node.args):
            if isinstance(a, ast.Starred):
                break
            if i < len(params):
                out[params[i]] = a
        for kw in self.node.keywords:
            if kw.arg is not None:
                out[kw.arg] = kw.value
        return out

    def targets(self):
        """The names the call's result is assigned to: a name, or a list for a tuple target;
        None when the result is not assigned directly, or assigned in a loop or more than once."""
        if self.node is None:
            return None
        stmt = self.src.statement(self.node)
        if isinstance(stmt, ast.Assign) and stmt.value is self.node and len(stmt.targets) == 1:
            target = stmt.targets[0]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is self.node:
            target = stmt.target
        else:
            return None
        if self.src.in_loop(stmt):
            return None

        def one(t):
            if isinstance(t, ast.Name):
                return t.id if stable_in(self.frame, t.id) else None
            return expr_name(t)

        if isinstance(target, (ast.Tuple, ast.List)):
            return [one(t) for t in target.elts]
        return one(target)


# ----------------------------------------------------------------------------------------------
# Names by search of the caller frames


def _user_frames(frame):
    n = 0
    while frame is not None and n < MAX_FRAMES:
        if is_user_file(frame.f_code.co_filename):
            yield frame
            n += 1
        elif frame.f_code.co_filename == TRACER_FILE:
            return
        frame = frame.f_back


def _self_of(frame):
    code = frame.f_code
    if code.co_argcount < 1 or code.co_name == "<module>":
        return None
    return frame.f_locals.get(code.co_varnames[0])


def _scan_container(obj, container, prefix):
    if isinstance(container, dict):
        if len(container) > MAX_SCAN:
            return None
        try:
            for k, v in container.items():
                if v is obj and isinstance(k, str):
                    return k
        except RuntimeError:
            return None
    elif isinstance(container, (list, tuple)) and prefix is not None:
        if len(container) > MAX_SCAN:
            return None
        for i, v in enumerate(container):
            if v is obj:
                return "%s[%d]" % (prefix, i)
    return None


def search_name(obj, frame, weak_ok=False):
    """The name holding obj in the caller frames, innermost first: a dict key (`W1`, `Affine1`),
    an attribute of `self` (`lastLayer`), or a variable assigned once (`mul_apple_layer`).
    With weak_ok, a variable assigned several times or in a loop is the last resort."""
    weak = None
    for f in _user_frames(frame):
        try:
            loc = f.f_locals
            items = list(loc.items())
        except Exception:
            continue
        me = _self_of(f)
        # dict keys in locals
        for k, v in items:
            if k.startswith("__"):
                continue
            if isinstance(v, dict) and v is not f.f_globals:
                name = _scan_container(obj, v, None)
                if name is not None:
                    return name
        # attributes of self, and keys / items of its dicts and lists
        if me is not None:
            d = getattr(me, "__dict__", None)
            if isinstance(d, dict):
                for k, v in list(d.items()):
                    if v is obj:
                        return k
                for k, v in list(d.items()):
                    if isinstance(v, (dict, list, tuple)):
                        name = _scan_container(obj, v, k)
                        if name is not None:
                            return name
        # variables
        for k, v in items:
            if v is obj and not k.startswith("__") and k != "self":
                if stable_in(f, k):
                    return k
                if weak is None:
                    weak = k
        # lists held in variables
        for k, v in items:
            if isinstance(v, (list, tuple)) and not k.startswith("__") and stable_in(f, k):
                name = _scan_container(obj, v, k)
                if name is not None:
                    return name
    return weak if weak_ok else None


# ----------------------------------------------------------------------------------------------
# The recorder


def _py_number(x):
    """A Python int, float or bool (np.float64 subclasses float but is numpy's)."""
    return isinstance(x, (int, float)) and not isinstance(x, np.generic)


def _numeric_kind(x):
    """'py' for a Python number, 'np' for a numpy array or scalar, None for anything else."""
    if _py_number(x):
        return "py"
    if isinstance(x, (np.ndarray, np.generic)):
        dt = np.asarray(x).dtype
        if dt.kind in "biuf":
            return "np"
    return None


def _as_array(x):
    return np.array(x, dtype=np.float64, copy=True)


def _fingerprint(x):
    """Shape, dtype and a checksum of the bytes: tells an array changed in place from the one
    recorded (adler32: a fifth of blake2b's time; this runs at every sighting of every array)."""
    a = np.ascontiguousarray(x)
    return (a.shape, a.dtype.str, zlib.adler32(a.reshape(-1).view(np.uint8)) if a.size else 0)


def _class_location(cls):
    """The file and line of `class X:` — from one of the class's own methods (so a subclass that
    only overrides backward is found where it is written), else its module's file."""
    own = None
    for v in cls.__dict__.values():
        c = getattr(getattr(v, "__func__", v), "__code__", None)
        if c is not None:
            own = c
            break
    if own is not None:
        file, line = own.co_filename, own.co_firstlineno
    else:
        file, line = getattr(sys.modules.get(cls.__module__), "__file__", None), None
    if not file:
        return None, None
    src = _source(file)
    best = None
    if src.tree is not None:
        for node in ast.walk(src.tree):
            if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
                if line is None or node.lineno <= line <= getattr(node, "end_lineno", node.lineno):
                    if best is None or node.lineno > best:
                        best = node.lineno  # the innermost class of that name around the method
    return os.path.abspath(file), best


class Recorder:
    def __init__(self, opts):
        self.opts = opts
        self.values = []
        self.layers = []
        self.events = []
        self.micrograd = []
        self.seq = 0
        self.kept = 0
        self.truncated = None
        self.skipped = 0
        self.numeric_depth = 0
        self.stopped = False
        self.by_id = {}  # id(obj) -> [(ref, value_id, fingerprint, name)]
        self.strong = []  # objects that cannot be weakly referenced: kept so their ids stay theirs
        self.layer_of = {}  # id(layer) -> layer index
        self.layer_refs = []
        self.pending = {}  # frame -> record waiting for its 'return'
        self.active = []  # stack of recorded events (for "parent")
        self.active_inst = {}  # (id(instance), kind) -> depth of calls on the stack
        self.snapshot = {}  # layer index -> (forward event, deep copy before forward, args)
        self.code_kind = {}
        self.class_kind = {}
        self.created = {}  # id(micrograd value) -> (ref, seq, line)
        self.created_n = 0
        self.class_codes = {}
        self.dropped = set()  # seqs of calls that raised
        self.checked = {}  # layer index -> backward calls checked
        self.last_forward = {}  # layer index -> seq of its latest forward that returned
        self.check_seconds = 0.0
        self.check_budget = min(CHECK_SECONDS, opts.time_limit / 3.0)

    # -- values ---------------------------------------------------------------------------------

    def _lookup(self, obj, expr_nm):
        entries = self.by_id.get(id(obj))
        if not entries:
            return None
        if _py_number(obj):
            # Python numbers are shared by interning: the same object is the same value only when
            # the call site names it alike (or does not name it).
            for ref, vid, fp, name in reversed(entries):
                if ref is obj and (expr_nm is None or name == expr_nm or name is None):
                    return vid
            return None
        fp = None
        for ref, vid, old_fp, name in reversed(entries):
            target = ref() if isinstance(ref, weakref.ref) else ref
            if target is obj:
                if fp is None:
                    fp = _fingerprint(obj)
                if fp == old_fp:
                    return vid
                return None  # changed in place since: a new value
        return None

    def call_value(self, obj, ex, kind, layer, attr, frame, event):
        """The value id of an argument of a layer call (a forward input, a backward dout), named
        after its expression `ex` at the call site (None: not known) when that name is stable."""
        name, literal, expr = None, False, None
        if ex is not None:
            literal = is_literal(ex)
            expr = expr_name(ex)
            name = stable_name(ex, frame)
        return self.value(obj, name, kind, layer, attr, expr=expr, literal=literal, frame=frame, event=event)

    def value(self, obj, name, kind, layer=None, attr=None, expr=None, literal=False, frame=None, event=None):
        """The value id of obj (a number or numeric array), recording it at first sight."""
        nk = _numeric_kind(obj)
        if nk is None:
            return None
        if kind in ("result", "grad") and _py_number(obj):
            literal = True  # a number a layer computed is a new value, even if interned (1 * 2 is the 2 of a leaf)
        if not literal:
            vid = self._lookup(obj, expr)
            if vid is not None:
                if self.values[vid]["name"] is None and name is not None:
                    self.values[vid]["name"] = name
                return vid
        if name is None and frame is not None and kind in ("arg", "param", "dout"):
            name = search_name(obj, frame, weak_ok=kind != "param")
        return self._new_value(obj, name, kind, layer, attr, event, match=expr if expr is not None else name)

    def _new_value(self, obj, name, kind, layer, attr, event, register=True, match=None):
        vid = len(self.values)
        if _py_number(obj) and isinstance(obj, bool):
            shape, dtype, flat = [], "bool", [int(obj)]
        elif _py_number(obj) and isinstance(obj, int):
            shape, dtype, flat = [], "int", [int(obj)]
        elif _py_number(obj):
            shape, dtype, flat = [], "float", [_finite(float(obj))]
        else:
            a = np.asarray(obj)
            shape, dtype = [int(s) for s in a.shape], a.dtype.name
            flat = None
            if self.kept + a.size <= self.opts.max_elements:
                flat = a
        summary = None
        size = 1 if not shape else int(np.prod(shape))
        if flat is None:
            a = np.asarray(obj, dtype=np.float64)
            if a.size:
                summary = {"min": _finite(float(np.min(a))), "max": _finite(float(np.max(a))), "mean": _finite(float(np.mean(a)))}
            else:
                summary = {"min": None, "max": None, "mean": None}
            if self.truncated is None:
                self.truncated = {
                    "reason": "max-elements",
                    "message": "more than %d array elements were seen: later arrays keep only their shape, min, max and mean" % self.opts.max_elements,
                }
        elif not isinstance(flat, list):
            a = flat
            if a.dtype.kind == "b":
                a = a.astype(np.int64)
            if a.dtype.kind == "f" and not np.isfinite(a).all():
                flat = [_finite(v) for v in a.ravel().tolist()]
            else:
                flat = a.ravel().tolist()
        if flat is not None:
            self.kept += size
        origin = {"kind": kind, "layer": layer, "attr": attr, "event": event}
        self.values.append({"id": vid, "name": name, "shape": shape, "dtype": dtype, "data": flat, "summary": summary, "origin": origin})
        if register:
            if _py_number(obj):
                entry = (obj, vid, None, match)
                self.strong.append(obj)
            else:
                try:
                    ref = weakref.ref(obj)
                except TypeError:
                    ref = obj
                    self.strong.append(obj)
                entry = (ref, vid, _fingerprint(obj), match)
            self.by_id.setdefault(id(obj), []).append(entry)
        return vid

    def result_ids(self, ret, names, kind, layer, attrs, event):
        """A forward/backward return value: one id, or a list for a tuple (None → [])."""
        if ret is None:
            return []
        if isinstance(ret, (tuple, list)) and not _numeric_kind(ret):
            ids = []
            for i, r in enumerate(ret):
                nm = names[i] if isinstance(names, list) and i < len(names) else None
                at = attrs[i] if attrs and i < len(attrs) else None
                ids.append(self.value(r, nm, kind, layer, at, event=event) if r is not None else None)
            return ids
        nm = names if isinstance(names, str) else None
        return self.value(ret, nm, kind, layer, attrs[0] if attrs else None, event=event)

    # -- layers ---------------------------------------------------------------------------------

    def layer(self, inst, frame, site):
        idx = self.layer_of.get(id(inst))
        if idx is not None and self.layer_refs[idx] is inst:
            return idx
        cls = type(inst)
        fwd = getattr(cls, "forward", None)
        code = getattr(fwd, "__code__", None)
        params = []
        if code is not None:
            n = code.co_argcount + code.co_kwonlyargcount
            params = list(code.co_varnames[1:n])
        name = None
        recv = site.receiver() if site is not None else None
        if recv is not None:
            name = stable_name(recv, site.frame)
        if name is None and site is not None:
            name = search_name(inst, site.frame)
        file, class_line = _class_location(cls)
        idx = len(self.layers)
        self.layers.append({
            "id": idx, "class": cls.__name__, "module": cls.__module__, "file": file, "classLine": class_line,
            "name": name, "forwardParams": params, "params": {},
        })
        self.layer_of[id(inst)] = idx
        self.layer_refs.append(inst)
        return idx

    def _param_attrs(self, inst):
        d = getattr(inst, "__dict__", None)
        if not isinstance(d, dict):
            return {}
        return {k: v for k, v in d.items() if isinstance(v, np.ndarray) and v.dtype.kind in "biuf"}

    # -- the profile hook -----------------------------------------------------------------------

    def kind_of(self, code):
        k = self.code_kind.get(code)
        if k is None:
            name = code.co_name
            if name in ("forward", "backward"):
                k = name
            elif name == "__init__":
                k = "init"
            elif NUMERIC_LOOP_RE.search(name):
                k = "numeric"
            else:
                k = ""
            self.code_kind[code] = k
        return k

    def class_role(self, cls, code, method):
        """'layer' when cls has forward and backward and code is one of them; 'micrograd' for
        a micrograd-style value's backward; '' otherwise."""
        key = (cls, code)
        r = self.class_kind.get(key)
        if r is None:
            r = ""
            own = False
            for k in getattr(cls, "__mro__", ()):
                f = k.__dict__.get(method)
                f = getattr(f, "__func__", f)
                if getattr(f, "__code__", None) is code:
                    own = True
                    break
            if own:
                if callable(getattr(cls, "forward", None)) and callable(getattr(cls, "backward", None)):
                    r = "layer"
                elif method == "backward":
                    r = "micrograd-class"
            self.class_kind[key] = r
        return r

    def hook(self, frame, event, arg):
        try:
            if event == "call":
                kind = self.kind_of(frame.f_code)
                if kind:
                    self.on_call(frame, kind)
            elif event == "return":
                rec = self.pending.pop(frame, None)
                if rec is not None:
                    self.on_return(frame, rec, arg)
                if self.stopped and not self.pending:
                    sys.setprofile(None)
        except Exception as e:  # the tracer must never break the script
            self.internal_error = "%s: %s" % (type(e).__name__, e)
            if os.environ.get("BACKPROP_TRACE_DEBUG"):
                traceback.print_exc()

    internal_error = None

    def stop(self, reason, message):
        if self.truncated is None or self.truncated.get("reason") == "max-elements":
            self.truncated = {"reason": reason, "message": message}
        self.stopped = True

    def on_call(self, frame, kind):
        code = frame.f_code
        if kind == "numeric":
            self.numeric_depth += 1
            self.pending[frame] = ("numeric",)
            return
        if self.stopped:
            return
        if kind == "init":
            if self.created_n < MAX_MICROGRAD_NODES * 10:
                self.pending[frame] = ("init",)
            return
        if code.co_argcount < 1:
            return
        inst = frame.f_locals.get(code.co_varnames[0])
        if inst is None:
            return
        role = self.class_role(type(inst), code, kind)
        if role == "micrograd-class":
            if not all(hasattr(inst, a) for a in MICROGRAD_ATTRS):
                return
            role = "micrograd"
        if not role:
            return
        if self.numeric_depth:
            self.skipped += 1
            return
        key = (id(inst), kind)
        if self.active_inst.get(key):
            return  # super().forward(x) inside forward: the outer call is the one recorded
        if self.seq >= self.opts.max_calls:
            self.stop("max-calls", "stopped recording after %d calls (--max-calls)" % self.opts.max_calls)
            return
        if role == "micrograd":
            self.active_inst[key] = self.active_inst.get(key, 0) + 1
            self.pending[frame] = ("micrograd", inst, key)
            return
        site_frame = frame.f_back
        while site_frame is not None and _self_of(site_frame) is inst:
            site_frame = site_frame.f_back  # forward called through __call__ or a helper method
        if site_frame is None:
            return
        site = CallSite(site_frame, kind if site_frame is frame.f_back else "__call__", inst)
        seq = self.seq
        self.seq += 1
        li = self.layer(inst, site_frame, site)
        layer = self.layers[li]
        exprs = site.arg_exprs(layer["forwardParams"])
        ev = {"seq": seq, "kind": kind, "layer": li}
        loc = frame.f_locals
        if kind == "forward":
            args = {}
            raw = {}
            for p in layer["forwardParams"]:
                if p not in loc:
                    continue
                v = loc[p]
                raw[p] = v
                args[p] = self.call_value(v, exprs.get(p), "arg", li, p, site_frame, seq)
            ev["args"] = args
            candidates = None
            if not layer.get("_params_seen"):
                # the ndarray attributes before the first forward, kept as parameters at its return
                # if forward left them alone (self.x = x, a running mean: state, not parameters)
                candidates = [(a, v, _fingerprint(v)) for a, v in self._param_attrs(inst).items()]
            ev["params"] = {}
            for a in layer["params"]:
                v = getattr(inst, a, None)
                if isinstance(v, np.ndarray):
                    ev["params"][a] = self.value(v, None, "param", li, a, frame=site_frame, event=seq)
            snap = None
            if self.opts.check and self.checked.get(li, 0) < self.opts.check_per_layer and self.check_seconds < self.check_budget:
                try:
                    snap = (copy.deepcopy(inst), copy.deepcopy(raw), None)
                except Exception as e:
                    snap = (None, None, "the layer could not be deep-copied (%s: %s)" % (type(e).__name__, e))
            rec = ("forward", inst, key, ev, li, site, (snap, candidates))
        else:
            params = [p for p in code.co_varnames[1:code.co_argcount]]
            dout = None
            dout_raw = None
            if params and params[0] in loc:
                dout_raw = loc[params[0]]
                dexprs = {}
                if site.node is not None and site.node.args and not isinstance(site.node.args[0], ast.Starred):
                    dexprs[params[0]] = site.node.args[0]
                for kw in site.node.keywords if site.node is not None else []:
                    if kw.arg == params[0]:
                        dexprs[params[0]] = kw.value
                dout = self.call_value(dout_raw, dexprs.get(params[0]), "dout", li, params[0], site_frame, seq)
                if _numeric_kind(dout_raw) == "np":
                    dout_raw = np.array(dout_raw, copy=True)  # backward may write into it
            ev["dout"] = dout
            ev["forward"] = self.last_forward.get(li)
            rec = ("backward", inst, key, ev, li, site, dout_raw)
        ev["parent"] = self.active[-1]["seq"] if self.active else None
        ev["file"] = site.file
        ev["line"] = site.line
        ev["column"] = site.column
        self.events.append(ev)
        self.active.append(ev)
        self.active_inst[key] = self.active_inst.get(key, 0) + 1
        self.pending[frame] = rec

    def on_return(self, frame, rec, ret):
        kind = rec[0]
        if kind == "numeric":
            self.numeric_depth -= 1
            return
        if kind == "init":
            self.on_init_return(frame)
            return
        key = rec[2]
        self.active_inst[key] -= 1
        if kind == "micrograd":
            if _returned_normally(frame):
                self.record_micrograd(frame, rec[1])
            return
        _, inst, key, ev, li, site, extra = rec
        if self.active and self.active[-1] is ev:
            self.active.pop()
        elif ev in self.active:
            self.active.remove(ev)
        seq = ev["seq"]
        if not _returned_normally(frame):
            self.dropped.add(seq)  # it raised: not a call that happened
            return
        if kind == "forward":
            snap, candidates = extra
            layer = self.layers[li]
            if candidates is not None and not layer.get("_params_seen"):
                layer["_params_seen"] = True
                for a, v, fp in candidates:
                    if getattr(inst, a, None) is v and _fingerprint(v) == fp:
                        layer["params"][a] = ev["params"][a] = self.value(v, None, "param", li, a, frame=site.frame, event=seq)
            ev["result"] = self.result_ids(ret, site.targets(), "result", li, None, seq)
            self.last_forward[li] = seq
            if snap is not None:
                out = np.array(ret, copy=True) if _numeric_kind(ret) == "np" else copy.deepcopy(ret)
                self.snapshot[li] = (ev, snap, out)
            else:
                self.snapshot.pop(li, None)  # never check a backward against an older forward
        else:
            params = self.layers[li]["forwardParams"]
            ev["result"] = self.result_ids(ret, site.targets(), "grad", li, params, seq)
            grads = {}
            for a in self.layers[li]["params"]:
                g = getattr(inst, "d" + a, None)
                if g is not None and _numeric_kind(g):
                    grads[a] = self.value(g, None, "grad", li, "d" + a, event=seq)
            ev["paramGrads"] = grads
            if self.opts.check:
                ev["numeric"] = self.numeric_check(li, extra, ret, inst, seq)

    def document(self, doc, error):
        """The trace so far, without the calls that raised or never returned (time limit). Does not
        change the recorder (the time-limit fallback calls it from another thread)."""
        gone = set(self.dropped)
        for rec in list(self.pending.values()):
            if rec[0] in ("forward", "backward"):
                gone.add(rec[3]["seq"])
        events = []
        for e in list(self.events):
            if e["seq"] in gone:
                continue
            if e.get("parent") in gone:
                e = dict(e, parent=None)
            events.append(e)
        layers = [{k: v for k, v in layer.items() if not k.startswith("_")} for layer in list(self.layers)]
        out = dict(doc)
        out.update({
            "calls": len(events), "truncated": self.truncated, "skipped": {"reentrant": self.skipped}, "error": error,
            "values": list(self.values), "layers": layers, "events": events, "micrograd": list(self.micrograd),
        })
        if self.internal_error and os.environ.get("BACKPROP_TRACE_DEBUG"):
            out["internalError"] = self.internal_error
        return out

    # -- micrograd ------------------------------------------------------------------------------

    def on_init_return(self, frame):
        code = frame.f_code
        if code.co_argcount < 1:
            self.code_kind[code] = ""
            return
        inst = frame.f_locals.get(code.co_varnames[0])
        if inst is None or not all(hasattr(inst, a) for a in MICROGRAD_ATTRS):
            # this __init__ does not make micrograd values: do not look at it again
            if inst is not None and type(inst).__dict__.get("__init__") is not None:
                self.code_kind[code] = ""
            return
        try:
            ref = weakref.ref(inst)
        except TypeError:
            return
        cls = type(inst)
        codes = self.class_codes.get(cls)
        if codes is None:
            codes = set()
            for k in cls.__mro__:
                for v in k.__dict__.values():
                    v = getattr(v, "__func__", v)
                    c = getattr(v, "__code__", None)
                    if c is not None:
                        codes.add(c)
            self.class_codes[cls] = codes
        f = frame.f_back
        while f is not None and f.f_code in codes:
            f = f.f_back
        line = f.f_lineno if f is not None and is_user_file(f.f_code.co_filename) else None
        self.created[id(inst)] = (ref, self.created_n, line)
        self.created_n += 1

    def _created(self, v):
        c = self.created.get(id(v))
        if c is not None and c[0]() is v:
            return c
        return None

    def record_micrograd(self, frame, root):
        seq = self.seq
        self.seq += 1
        site_frame = frame.f_back
        site = CallSite(site_frame, "backward", root) if site_frame is not None else None

        def order(v):
            c = self._created(v)
            return (0, c[1]) if c is not None else (1, 0)

        def children(v):
            prev = getattr(v, "_prev", ())
            try:
                kids = list(prev)
            except TypeError:
                kids = []
            try:
                kids.sort(key=order)
            except Exception:
                pass
            return kids

        topo, index, stack = [], {}, [(root, False)]
        seen = set()
        too_many = False
        while stack:
            v, done = stack.pop()
            if done:
                if id(v) not in index:
                    index[id(v)] = len(topo)
                    topo.append(v)
                continue
            if id(v) in seen:
                continue
            seen.add(id(v))
            if len(seen) > MAX_MICROGRAD_NODES:
                too_many = True
                break
            stack.append((v, True))
            for c in reversed(children(v)):
                if id(c) not in seen:
                    stack.append((c, False))
        entry = {"seq": seq, "file": site.file if site else None, "line": site.line if site else None,
                 "column": site.column if site else None, "root": None, "nodes": []}
        if too_many or self.kept + len(topo) > self.opts.max_elements:
            entry["omitted"] = len(seen) if too_many else len(topo)
            if self.truncated is None:
                self.truncated = {"reason": "max-elements", "message": "a micrograd graph of %s nodes was not recorded (at most %d nodes in one graph, --max-elements in all)" % (
                    "more than %d" % MAX_MICROGRAD_NODES if too_many else len(topo), MAX_MICROGRAD_NODES)}
            self.micrograd.append(entry)
            return
        self.kept += len(topo)
        names = {}
        for strong in (True, False):
            for f in _user_frames(site_frame):
                try:
                    items = list(f.f_locals.items())
                except Exception:
                    continue
                for k, v in items:
                    if k.startswith("__") or k == "self":
                        continue
                    i = index.get(id(v))
                    if i is not None and topo[i] is v and i not in names and (not strong or stable_in(f, k)):
                        names[i] = k
        nodes = []
        for i, v in enumerate(topo):
            c = self._created(v)
            nodes.append({
                "id": i, "name": names.get(i), "op": str(getattr(v, "_op", "") or ""),
                "prev": [index[id(p)] for p in children(v) if id(p) in index],
                "data": _number(getattr(v, "data", None)), "grad": _number(getattr(v, "grad", None)),
                "line": c[2] if c is not None else None,
            })
        entry["root"] = index.get(id(root))
        entry["nodes"] = nodes
        self.micrograd.append(entry)

    # -- the numerical check --------------------------------------------------------------------

    def numeric_check(self, li, dout_raw, ret, inst, seq):
        done = self.checked.get(li, 0)
        if done >= self.opts.check_per_layer:
            return {"ok": None, "reason": "this layer's backward was checked %d times already (--check-per-layer)" % done}
        if self.check_seconds >= self.check_budget:
            return {"ok": None, "reason": "the numerical checks used their time budget (%g s)" % self.check_budget}
        self.checked[li] = done + 1
        started = time.monotonic()
        try:
            return self._numeric_check(li, dout_raw, ret, inst, seq)
        finally:
            self.check_seconds += time.monotonic() - started

    def _numeric_check(self, li, dout_raw, ret, inst, seq):
        snap = self.snapshot.get(li)
        if snap is None:
            return {"ok": None, "reason": "no recorded forward call of this layer before its backward"}
        _, (copy0, raw_args, why), recorded_out = snap
        if why is not None:
            return {"ok": None, "reason": why}
        # The replays must not change what the script does next: their prints go nowhere, and the
        # random generators (a Dropout forward draws from them) are put back as they were.
        import random
        np_state, py_state = np.random.get_state(), random.getstate()
        out, err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = _Sink()
        try:
            return self._numeric(li, copy0, raw_args, recorded_out, dout_raw, ret, inst, seq)
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # SystemExit in a replayed forward must not end the script
            return {"ok": None, "reason": "the check could not run the layer's forward on a copy (%s: %s)" % (type(e).__name__, e)}
        finally:
            sys.stdout, sys.stderr = out, err
            np.random.set_state(np_state)
            random.setstate(py_state)

    def _numeric(self, li, copy0, raw_args, recorded_out, dout_raw, ret, inst, seq):
        layer = self.layers[li]
        fparams = layer["forwardParams"]
        if dout_raw is None or not _numeric_kind(dout_raw):
            return {"ok": None, "reason": "backward received no numeric dout"}
        if isinstance(recorded_out, (tuple, list)):
            return {"ok": None, "reason": "forward returned several outputs"}
        if not _numeric_kind(recorded_out):
            return {"ok": None, "reason": "forward returned no number or array"}
        dout = _as_array(dout_raw)
        # what backward claims, per input (positionally) and per parameter
        if ret is None:
            returned = []
        elif isinstance(ret, (tuple, list)) and not _numeric_kind(ret):
            returned = list(ret)
        else:
            returned = [ret]
        targets = []  # (name, "arg"|"param", analytic array)
        for i, p in enumerate(fparams[: len(returned)]):
            g, x = returned[i], raw_args.get(p)
            if g is None or not _numeric_kind(g) or x is None or not _numeric_kind(x):
                continue
            targets.append((p, "arg", _as_array(g)))
        for a in layer["params"]:
            g = getattr(inst, "d" + a, None)
            if g is not None and _numeric_kind(g) and isinstance(getattr(copy0, a, None), np.ndarray):
                targets.append((a, "param", _as_array(g)))
        if not targets:
            return {"ok": None, "reason": "backward returned no gradient to check"}

        work = copy.deepcopy(copy0)
        for a in layer["params"]:
            v = getattr(work, a, None)
            if isinstance(v, np.ndarray) and (v.dtype != np.float64 or not v.flags.c_contiguous):
                setattr(work, a, np.ascontiguousarray(v, dtype=np.float64))
        base = {}
        for p, v in raw_args.items():
            if any(t[0] == p and t[1] == "arg" for t in targets):
                base[p] = _as_array(v) if _numeric_kind(v) == "np" else float(v)
            else:
                base[p] = v
        code = type(inst).forward.__code__
        npos = code.co_argcount - 1
        positional = [p for p in fparams[:npos]]

        def run(args):
            pos = []
            kw = {}
            for p in fparams:
                if p not in args:
                    continue
                v = args[p]
                if isinstance(v, np.ndarray):
                    v = v.copy()  # forward may write into its input; other arguments were copied once
                if p in positional and len(pos) == positional.index(p):
                    pos.append(v)
                else:
                    kw[p] = v
            out = work.forward(*pos, **kw)
            return out

        def objective(out):
            return float(np.sum(np.asarray(out, dtype=np.float64) * dout))

        out0 = run(base)
        if isinstance(out0, (tuple, list)) or not _numeric_kind(out0):
            return {"ok": None, "reason": "forward on a copy did not return a number or array"}
        o0, rec = np.asarray(out0, dtype=np.float64), np.asarray(recorded_out, dtype=np.float64)
        t0 = time.perf_counter()
        o1 = np.asarray(run(base), dtype=np.float64)
        eval_seconds = time.perf_counter() - t0
        if eval_seconds > 0.001:  # one more: a descheduled run should not shrink the sample
            t0 = time.perf_counter()
            run(base)
            eval_seconds = min(eval_seconds, time.perf_counter() - t0)
        if o1.shape != o0.shape or not np.allclose(o1, o0, rtol=0, atol=0, equal_nan=True):
            return {"ok": None, "reason": "forward is not deterministic (two runs on a copy differ)"}
        if o0.shape != rec.shape or not np.allclose(o0, rec, rtol=1e-5, atol=1e-8, equal_nan=True):
            return {"ok": None, "reason": "forward on a copy of the layer did not give the recorded result (it depends on something outside the layer)"}
        try:
            np.broadcast(o0, dout)
        except ValueError:
            return {"ok": None, "reason": "dout's shape %s does not match forward's output %s" % (list(dout.shape), list(o0.shape))}
        f0 = objective(out0)

        # inputs and parameters to perturb, and how many elements of each (sampled beyond the budget)
        arrays = []
        for name, where, analytic in targets:
            x = base[name] if where == "arg" else getattr(work, name)
            shape = np.shape(x)
            arrays.append([name, where, analytic, shape, int(np.prod(shape)) if shape else 1])
        evals = min(self.opts.max_elements, self.opts.check_evals)
        if eval_seconds > 0 and self.opts.check_seconds > 0:
            # a costly forward (a 100 x 784 batch through Affine) gets fewer evaluations
            evals = min(evals, max(MIN_CHECK_EVALS, int(self.opts.check_seconds / eval_seconds)))
        budget = max(1, evals // 2)
        total = sum(a[4] for a in arrays)
        sampled = total > budget
        share = {}
        if sampled:
            left, rest = budget, sorted(range(len(arrays)), key=lambda i: arrays[i][4])
            for j, i in enumerate(rest):
                n = min(arrays[i][4], left // (len(rest) - j))
                share[i] = n
                left -= n
        rng = np.random.RandomState(0)
        result = {"ok": True, "maxRelError": 0.0, "grads": {}, "errors": {}}
        indices_out = {}
        worst = 0.0
        for i, (name, where, analytic, shape, size) in enumerate(arrays):
            if analytic.shape != tuple(shape):
                result["ok"] = False
                worst = math.inf
                result["errors"][name] = "Infinity"
                result.setdefault("shapes", {})[name] = {"got": list(analytic.shape), "expected": list(shape)}
                continue
            if sampled:
                idx = np.sort(rng.choice(size, share[i], replace=False)) if share[i] < size else np.arange(size)
            else:
                idx = np.arange(size)
            numeric = np.full(size, np.nan)
            flat_an = analytic.reshape(-1)
            err_max = 0.0

            def perturbed(xv, k):
                """Element k of the flat view xv moved by +h and -h in place (then restored): the
                steps actually taken (after rounding to the array's dtype) and the objective at each."""
                old = float(xv[k])
                h = 1e-4 * max(1.0, abs(old))
                xv[k] = old + h
                hp = float(xv[k]) - old
                fp = objective(run(base))
                xv[k] = old - h
                hm = old - float(xv[k])
                fm = objective(run(base))
                xv[k] = old
                return hp, fp, hm, fm

            for k in idx.tolist():
                if where == "arg":
                    x0 = base[name]
                    if isinstance(x0, np.ndarray):
                        hp, fp, hm, fm = perturbed(x0.reshape(-1), k)
                    else:
                        old = float(x0)
                        h = 1e-4 * max(1.0, abs(old))
                        args = dict(base)
                        args[name] = old + h
                        hp = (old + h) - old
                        fp = objective(run(args))
                        args[name] = old - h
                        hm = old - (old - h)
                        fm = objective(run(args))
                else:
                    hp, fp, hm, fm = perturbed(getattr(work, name).reshape(-1), k)
                a = float(flat_an[k])
                central = (fp - fm) / (hp + hm)
                best, err = central, abs(a - central) / (1.0 + abs(central))
                if not err <= CHECK_TOLERANCE:
                    # at a kink (Relu at 0) one of the one-sided differences is the derivative
                    for one in ((fp - f0) / hp, (f0 - fm) / hm):
                        e1 = abs(a - one) / (1.0 + abs(one))
                        if e1 < err:
                            best, err = one, e1
                if err != err:
                    err = math.inf
                numeric[k] = best
                err_max = max(err_max, err)
            if sampled:
                indices_out[name] = idx.tolist()
            result["errors"][name] = _finite(err_max)
            worst = max(worst, err_max)
            if not err_max <= CHECK_TOLERANCE:
                result["ok"] = False
            gv = numeric.reshape(shape) if shape else float(numeric[0])
            result["grads"][name] = self._new_value(gv if shape else gv, None, "numeric", li, name, seq, register=False)
        result["maxRelError"] = _finite(worst)
        result["tolerance"] = CHECK_TOLERANCE
        if sampled:
            result["sampled"] = int(sum(len(v) for v in indices_out.values()))
            result["indices"] = indices_out
        return result


class _Sink:
    """Where the numerical check's replays print."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass


_RETURN_OPS = None


def _returned_normally(frame):
    """At a 'return' profile event: True for a return, False when an exception is unwinding the
    frame (the profiler reports both as 'return'; only a return stops at a RETURN instruction)."""
    global _RETURN_OPS
    if _RETURN_OPS is None:
        import dis
        _RETURN_OPS = {dis.opmap[n] for n in ("RETURN_VALUE", "RETURN_CONST", "RETURN_GENERATOR") if n in dis.opmap}
    code = frame.f_code.co_code
    i = frame.f_lasti
    if i is None or i < 0 or i >= len(code):
        return True
    return code[i] in _RETURN_OPS


# ----------------------------------------------------------------------------------------------
# Running the script


def error_info(exc, script):
    """type, message and the innermost frame in the student's files (file, line, column)."""
    info = {"type": type(exc).__name__, "message": str(exc), "file": None, "line": None, "column": None}
    if isinstance(exc, SyntaxError) and exc.filename and is_user_file(exc.filename):
        info["file"] = os.path.abspath(exc.filename)
        info["line"] = exc.lineno
        info["column"] = exc.offset or 1
        info["message"] = exc.msg
    tb = exc.__traceback__
    while tb is not None and not is_user_file(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next  # the tracer's and runpy's own frames
    first = tb
    if info["file"] is None:
        last = None
        while tb is not None:
            if is_user_file(tb.tb_frame.f_code.co_filename):
                last = tb
            tb = tb.tb_next
        if last is not None:
            code = last.tb_frame.f_code
            pos = _position(code, last.tb_lasti)
            line = last.tb_lineno
            col = None
            if pos is not None and pos[0] is not None and pos[0] == line:
                col = pos[2]
            info["file"] = os.path.abspath(code.co_filename)
            info["line"] = line
            info["column"] = _char_column(code.co_filename, line, col)
    try:
        info["traceback"] = "".join(traceback.format_exception(type(exc), exc, first))
    except Exception:
        info["traceback"] = None
    return info


def parse_args(argv):
    p = argparse.ArgumentParser(prog="backprop_trace.py", description="Trace forward/backward calls of a Python script for Backprop Stepper.")
    p.add_argument("--out", required=True, help="where to write the trace (JSON)")
    p.add_argument("--max-calls", type=int, default=10000)
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--max-elements", type=int, default=1000000)
    p.add_argument("--check-evals", type=int, default=400, help="forward evaluations per numerical check (sampled beyond)")
    p.add_argument("--check-per-layer", type=int, default=5, help="backward calls checked per layer object (the first ones)")
    p.add_argument("--check-seconds", type=float, default=0.2, help="about how long one backward's check may take (fewer evaluations for a slow forward); 0: no limit")
    p.add_argument("--no-check", dest="check", action="store_false")
    p.add_argument("script")
    p.add_argument("args", nargs=argparse.REMAINDER)
    opts = p.parse_args(argv)
    if opts.max_calls < 0 or opts.max_elements < 0 or opts.time_limit <= 0 or opts.check_evals < 2:
        p.error("--max-calls and --max-elements must be >= 0, --time-limit > 0, --check-evals >= 2")
    return opts


def write_json(path, doc):
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    tmp = path + ".tmp%d" % os.getpid()
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    global np
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    out = os.path.abspath(opts.out)
    script = os.path.abspath(opts.script)
    doc = {
        "version": FORMAT_VERSION, "script": script, "python": "%d.%d.%d" % sys.version_info[:3], "numpy": None,
        "calls": 0, "truncated": None, "skipped": {"reentrant": 0}, "error": None,
        "values": [], "layers": [], "events": [], "micrograd": [],
    }
    try:
        import numpy
    except ImportError as e:
        sys.stderr.write("backprop_trace: numpy is missing for %s (%s). Install it: python3 -m pip install numpy (Debian: apt-get install python3-numpy)\n" % (sys.executable, e))
        doc["error"] = {"type": "NumpyMissing", "message": "numpy is not installed for %s" % sys.executable, "file": None, "line": None, "column": None, "traceback": None}
        try:
            write_json(out, doc)
        except OSError:
            pass
        return 3
    np = numpy
    doc["numpy"] = numpy.__version__
    if not os.path.isfile(script):
        sys.stderr.write("backprop_trace: no such file: %s\n" % script)
        doc["error"] = {"type": "FileNotFoundError", "message": "no such file: %s" % script, "file": None, "line": None, "column": None, "traceback": None}
        write_json(out, doc)
        return 2

    rec = Recorder(opts)
    folder = os.path.dirname(script)
    sys.argv = [script] + list(opts.args)
    sys.path[0] = folder
    os.chdir(folder)
    timed_out = threading.Event()
    finished = threading.Event()

    def on_time():
        timed_out.set()
        try:  # a real SIGINT to the main thread also wakes it from time.sleep or input()
            import signal
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        except (AttributeError, ValueError, OSError):
            import _thread
            _thread.interrupt_main()
        # A script inside one long numpy call, or one that ignores KeyboardInterrupt, does not stop:
        # write what was recorded from here, and end the process.
        if finished.wait(GRACE_SECONDS):
            return
        rec.stop("time-limit", "the script was stopped after %g s (--time-limit); it did not react to KeyboardInterrupt" % opts.time_limit)
        for _ in range(3):
            try:
                write_json(out, rec.document(doc, None))
                break
            except RuntimeError:  # the script's thread changed a dict while it was written: again
                time.sleep(0.05)
            except Exception:
                break
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(0)

    timer = threading.Timer(opts.time_limit, on_time)
    timer.daemon = True
    import runpy
    error = None
    timer.start()
    try:
        sys.setprofile(rec.hook)
        try:
            runpy.run_path(script, run_name="__main__")
        finally:
            sys.setprofile(None)
    except KeyboardInterrupt as e:
        if timed_out.is_set():
            rec.stop("time-limit", "the script was stopped after %g s (--time-limit)" % opts.time_limit)
        else:
            error = error_info(e, script)
    except SystemExit as e:
        if e.code not in (None, 0):
            error = error_info(e, script)
            error["message"] = str(e.code)
    except BaseException as e:
        error = error_info(e, script)
    finally:
        timer.cancel()
    if timed_out.is_set() and (rec.truncated or {}).get("reason") != "time-limit":
        rec.stop("time-limit", "the script was interrupted after %g s (--time-limit)" % opts.time_limit)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    write_json(out, rec.document(doc, error))
    finished.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
