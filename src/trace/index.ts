/**
 * Tracing a student's Python (issue 9): the trace document, the graph of what ran, the replay of
 * the script's numbers in the stepper and the check against the engine. Pure: no `vscode`, no I/O.
 */
export { parseTrace, traceFromJson, TraceFormatError, TRACE_LIMITS, TRACE_VERSION, type TraceDocument, type TraceError, type CallSite } from './document';
export { buildTracedGraph, knownLayerOp, microgradOp, TraceBuildError, type NodeTrace, type RecordedCall, type TracedGraph } from './build';
export { createTraceStepper, replayLayerFactory, referenceLayerFactory } from './replay';
export { checkTrace, closeEnough, firstMismatchPerNode, formatNumber, scriptGrad, CHECK_RTOL, NUMERIC_RTOL, type LeafComparison, type Mismatch, type TraceCheck } from './check';
export { summarizeTrace, valueKeys, type TraceSummary } from './report';
