/** A parsed YAML mapping: nested mappings and scalar strings (all that azure.yaml uses). */
export interface YamlMap {
  readonly [key: string]: YamlMap | string;
}

/**
 * Parses the block-mapping subset of YAML used by azure.yaml: `key: value` and `key:` followed by a more indented
 * mapping; `#` comments and blank lines are skipped. Sequences, anchors and flow collections are rejected so that a
 * file outside the subset fails loudly instead of being read wrongly (no YAML package is a project dependency).
 */
export function parseSimpleYaml(text: string): YamlMap {
  const root: Record<string, YamlMap | string> = {};
  const stack: { indent: number; map: Record<string, YamlMap | string> }[] = [{ indent: -1, map: root }];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') return;
    const m = /^( *)([A-Za-z0-9_.-]+):(?: +(.*))?$/.exec(line);
    if (!m) throw new Error(`Expected "key: value" on azure.yaml line ${index + 1} but received ${JSON.stringify(raw)}`);
    const indent = m[1]!.length;
    const key = m[2]!;
    const value = m[3]?.trim();
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.map;
    if (value === undefined || value === '') {
      const child: Record<string, YamlMap | string> = {};
      parent[key] = child;
      stack.push({ indent, map: child });
    } else {
      if (/^[[{&*|>-]/.test(value)) throw new Error(`Expected a plain scalar on azure.yaml line ${index + 1} but received ${value}`);
      parent[key] = value.replace(/^(['"])(.*)\1$/, '$2');
    }
  });
  return root;
}

/** Reads a nested mapping by path, failing with the path when it is missing or not a mapping. */
export function yamlMap(map: YamlMap, ...path: string[]): YamlMap {
  let cur: YamlMap | string | undefined = map;
  for (const key of path) {
    if (typeof cur !== 'object') break;
    cur = cur[key];
  }
  if (typeof cur !== 'object') throw new Error(`Expected a mapping at ${path.join('.')} but received ${String(cur)}`);
  return cur;
}

/** Reads a scalar by path, failing with the path when it is missing or not a scalar. */
export function yamlScalar(map: YamlMap, ...path: string[]): string {
  const parent = yamlMap(map, ...path.slice(0, -1));
  const value = parent[path[path.length - 1]!];
  if (typeof value !== 'string') throw new Error(`Expected a scalar at ${path.join('.')} but received ${String(value)}`);
  return value;
}
