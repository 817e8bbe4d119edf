/**
 * The finite groups of the group task: cyclic Z_p (addition mod p) and symmetric S_n (permutations of n points).
 * Elements are numbered 0 … order − 1 (the identity is 0) and multiplied through a table.
 */

export const GROUP_NAMES = ['Z2', 'Z3', 'Z5', 'Z7', 'Z11', 'Z120', 'S3', 'S4', 'S5'] as const;
export type GroupName = (typeof GROUP_NAMES)[number];

export interface FiniteGroup {
  name: GroupName;
  order: number;
  /** Each element's readable name: Z_p '0' … 'p−1'; S_n the permutation in one-line notation, e.g. '21453'. */
  names: readonly string[];
  /** product[a * order + b] = a·b: first a, then b (for permutations: apply a, then b). */
  product: Int32Array;
  abelian: boolean;
}

/** The permutations of 1 … n in lexicographic order (the identity first), in one-line notation. */
function permutations(n: number): number[][] {
  if (n === 1) return [[1]];
  const out: number[][] = [];
  for (let first = 1; first <= n; first++) {
    for (const rest of permutations(n - 1)) out.push([first, ...rest.map((x) => (x >= first ? x + 1 : x))]);
  }
  return out;
}

function cyclic(name: GroupName, p: number): FiniteGroup {
  const product = new Int32Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) product[a * p + b] = (a + b) % p;
  return { name, order: p, names: Array.from({ length: p }, (_, i) => String(i)), product, abelian: true };
}

function symmetric(name: GroupName, n: number): FiniteGroup {
  const perms = permutations(n);
  const names = perms.map((p) => p.join(''));
  const index = new Map(names.map((s, i) => [s, i]));
  const order = perms.length;
  const product = new Int32Array(order * order);
  for (let a = 0; a < order; a++) {
    for (let b = 0; b < order; b++) {
      // point i goes to a(i), then to b(a(i))
      const composed = perms[a].map((ai) => perms[b][ai - 1]).join('');
      product[a * order + b] = index.get(composed)!;
    }
  }
  return { name, order, names, product, abelian: n < 3 };
}

/** The group a name stands for. */
export function groupOf(name: GroupName): FiniteGroup {
  const kind = name[0];
  const size = Number(name.slice(1));
  return kind === 'S' ? symmetric(name, size) : cyclic(name, size);
}

/** The number of elements of a group, without building it. */
export function orderOf(name: GroupName): number {
  const size = Number(name.slice(1));
  if (name[0] === 'Z') return size;
  let f = 1;
  for (let i = 2; i <= size; i++) f *= i;
  return f;
}

/** The running products of a word: g1, g1·g2, …, g1·…·gk. */
export function runningProducts(g: Pick<FiniteGroup, 'order' | 'product'>, word: readonly number[]): number[] {
  let p = 0;
  return word.map((x) => {
    p = g.product[p * g.order + x];
    return p;
  });
}
