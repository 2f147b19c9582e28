/**
 * One line under the toolbar that says what the last step did, like a figure caption:
 * "Forward 3/4: all_price = apple_price + orange_price", "Backward 1/4: price (×) → all_price, tax".
 */
import type { NodeInfo } from '../src/shared/protocol';
import { t } from './i18n';
import type { PanelModel } from './model';

/** The expression a node computes, written with its inputs' labels. */
export function expressionOf(node: NodeInfo, labelOf: (id: number) => string): string {
  const args = node.inputs.map(labelOf);
  // A constant power as the book writes it: z = t**2.
  if (node.op === 'pow' && args.length === 1) return `${node.label} = ${args[0]}${node.symbol}`;
  const infix = [...node.symbol].length <= 2 && args.length === 2;
  const rhs = infix ? `${args[0]} ${node.symbol} ${args[1]}` : `${node.symbol}(${args.join(', ')})`;
  return `${node.label} = ${rhs}`;
}

export function captionText(model: PanelModel): string {
  const graph = model.graph;
  if (!graph) return '';
  const { cursor, current } = model.state;
  const p = model.progress();
  if (cursor === 0) return t('captionStart');
  const node = current === null ? undefined : model.node(current);
  const labelOf = (id: number) => model.node(id)?.label ?? String(id);
  if (!node) return '';
  if (cursor <= p.forwardTotal) {
    return `${t('forwardCap')} ${p.forwardDone}/${p.forwardTotal}: ${expressionOf(node, labelOf)}`;
  }
  const text = `${t('backwardCap')} ${p.backwardDone}/${p.backwardTotal}: ${node.label} (${node.symbol}) → ${node.inputs.map(labelOf).join(', ')}`;
  return cursor >= model.state.totalSteps ? `${text} · ${t('allDone')}` : text;
}
