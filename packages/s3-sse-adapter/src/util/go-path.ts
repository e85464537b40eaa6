/**
 * Go's `path.Join` and `path.Clean`, byte for byte. MinIO binds sealed object keys and KMS
 * contexts to `path.Join(bucket, object)`, so `bucket` + `a//b/./c/` must give `bucket/a/b/c`
 * exactly as Go computes it.
 */

/**
 * Joins the non-empty elements with `/` and cleans the result, as Go's `path.Join`. Returns `''`
 * when every element is empty.
 */
export function goPathJoin(...elements: string[]): string {
  const parts = elements.filter((element) => element !== '');
  if (parts.length === 0) return '';
  return goPathClean(parts.join('/'));
}

/**
 * Returns the shortest path equivalent to `path`, as Go's `path.Clean`: it collapses repeated
 * slashes, drops `.` elements, resolves `..` against the element before it (and drops `..` right
 * after a leading `/`), and removes a trailing slash. An empty result becomes `.`.
 */
export function goPathClean(path: string): string {
  if (path === '') return '.';
  const rooted = path[0] === '/';
  const out: string[] = [];
  // Number of leading `..` elements kept in a relative path; they cannot be resolved further.
  let undoable = 0;
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element === '..') {
      if (out.length > undoable) {
        out.pop();
      } else if (!rooted) {
        out.push('..');
        undoable++;
      }
      continue;
    }
    out.push(element);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
