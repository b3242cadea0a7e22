/**
 * Line diffs: Myers' O(ND) shortest edit script, and unified hunks (`@@ -a,b +c,d @@`) with three
 * lines of context, as `diff -u` prints them.
 */

export type LineOp = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** The shortest edit script turning `a` into `b`, as kept, removed and added lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d);
    }
  }
  return [];
}

function backtrack(
  trace: readonly Int32Array[],
  a: readonly string[],
  b: readonly string[],
  last: number,
): LineOp[] {
  const offset = a.length + b.length + 1;
  const out: LineOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = last; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      out.push({ op: ' ', line: a[--x]! });
    }
    if (d === 0) break;
    if (down) out.push({ op: '+', line: b[--y]! });
    else out.push({ op: '-', line: a[--x]! });
  }
  return out.reverse();
}

/** Unified hunks of a line diff, each starting with its `@@` header; empty when nothing changed. */
export function unifiedHunks(a: readonly string[], b: readonly string[], context = 3): string[] {
  const ops = diffLines(a, b);
  const changes = ops.flatMap((op, i) => (op.op === ' ' ? [] : [i]));
  const groups: [number, number][] = [];
  for (const i of changes) {
    const last = groups.at(-1);
    // Changes closer than 2 × context unchanged lines share a hunk, as in diff -u.
    if (last !== undefined && i - last[1] - 1 <= 2 * context) last[1] = i;
    else groups.push([i, i]);
  }
  return groups.map(([first, last]) =>
    hunk(ops, Math.max(0, first - context), Math.min(ops.length, last + context + 1)),
  );
}

function hunk(ops: readonly LineOp[], start: number, stop: number): string {
  let aLine = 1;
  let bLine = 1;
  for (let j = 0; j < start; j++) {
    if (ops[j]!.op !== '+') aLine++;
    if (ops[j]!.op !== '-') bLine++;
  }
  const slice = ops.slice(start, stop);
  const aCount = slice.filter((op) => op.op !== '+').length;
  const bCount = slice.filter((op) => op.op !== '-').length;
  const range = (line: number, count: number): string =>
    `${count === 0 ? line - 1 : line}${count === 1 ? '' : `,${count}`}`;
  const body = slice.map((op) => `${op.op}${op.line}`).join('\n');
  return `@@ -${range(aLine, aCount)} +${range(bLine, bCount)} @@\n${body}`;
}

/** `text` split into lines, without the empty line after a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
