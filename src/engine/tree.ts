/**
 * Run-time data, nested by level: a value for the run is one leaf; per-image data is a list with a node per
 * image; per-crop data is a list of lists; and so on. A failed element is an ElementFailure node: everything
 * below it, and everything computed from it, fails with the same cause, while its siblings carry on.
 */

/** Why an element has no value, and where that started (a step, or an input such as an unreadable image). */
export class ElementFailure {
  constructor(
    readonly error: Error,
    readonly origin: { readonly step: string } | { readonly input: string },
  ) {}
}

/** A value at the deepest level of its data. Wrapped, so a value that is itself a list is not taken for nesting. */
export interface Leaf {
  readonly value: unknown;
}

/** Nested data: a leaf, a failure, or one child per element of the next level. */
export type Tree = Leaf | ElementFailure | readonly Tree[];

/** Wraps a value as a leaf. */
export function leaf(value: unknown): Leaf {
  return { value };
}

/** True for a leaf node. */
export function isLeaf(tree: Tree): tree is Leaf {
  return !Array.isArray(tree) && !(tree instanceof ElementFailure);
}

/**
 * The node at `path`. A failure on the way is the answer (the element under it fails the same way); a leaf
 * reached early is shared by every element under it (one value for a whole image, or for the run).
 */
export function descend(tree: Tree, path: readonly number[]): Tree {
  let node = tree;
  for (const index of path) {
    if (!Array.isArray(node)) return node;
    const child = (node as readonly Tree[])[index];
    if (child === undefined)
      throw new Error(`internal: no element ${index} at this level (${node.length} there)`);
    node = child;
  }
  return node;
}

/**
 * Builds a tree of the same shape as `shape` down to `depth`, calling `visit` for each element path there.
 * Failures in `shape` above that depth are kept as they are: there is no element to visit under them.
 */
export function mapShape(
  shape: Tree,
  depth: number,
  visit: (path: readonly number[]) => Tree,
  path: number[] = [],
): Tree {
  if (depth === 0) return visit(path);
  if (shape instanceof ElementFailure) return shape;
  if (!Array.isArray(shape))
    throw new Error(`internal: expected ${depth} more level(s) of nesting, found a value`);
  return (shape as readonly Tree[]).map((child, index) =>
    mapShape(child, depth - 1, visit, [...path, index]),
  );
}
