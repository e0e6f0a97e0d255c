/**
 * The dependency graph CloudFormation builds from a template, and its cycles. CloudFormation refuses a template
 * whose resources depend on each other in a loop ("Circular dependency between resources"); CDK's own validation
 * and cdk-nag do not look for one, so tests do.
 *
 * A resource depends on every resource it names through `Ref`, `Fn::GetAtt` (list or `X.Attr` string form),
 * `Fn::Sub` (`${X}` and `${X.Attr}` in the string; names bound by its variable map are not resources),
 * `DependsOn`, and any of these inside its `UpdatePolicy` or `CreationPolicy`. Parameters and pseudo parameters
 * are not resources and make no edge.
 */

/** A resource as it appears in a template: only the parts that make dependencies. */
interface TemplateResource {
  readonly DependsOn?: string | readonly string[];
  readonly Properties?: unknown;
  readonly UpdatePolicy?: unknown;
  readonly CreationPolicy?: unknown;
}

/** A CloudFormation template (JSON), as far as dependencies go. */
export interface DependencyTemplate {
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
}

/** `${Name}` or `${Name.Attr}` placeholders of an `Fn::Sub` string; `${!Literal}` is escaped text. */
const SUB_PLACEHOLDER = /\$\{(?!!)([^}.]+)(?:\.[^}]+)?\}/g;

function subNames(text: string): string[] {
  return [...text.matchAll(SUB_PLACEHOLDER)].map((match) => match[1].trim());
}

/** Every logical id `value` names through an intrinsic function (resources or not: the caller filters). */
function referencedNames(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof inner === 'string') into.add(inner);
    else if (key === 'Fn::GetAtt') {
      if (typeof inner === 'string') into.add(inner.split('.')[0]);
      else if (Array.isArray(inner) && typeof inner[0] === 'string') into.add(inner[0]);
      referencedNames(inner, into);
    } else if (key === 'Fn::Sub') {
      if (typeof inner === 'string') for (const name of subNames(inner)) into.add(name);
      else if (Array.isArray(inner) && typeof inner[0] === 'string') {
        const bound = new Set(Object.keys((inner[1] ?? {}) as object));
        for (const name of subNames(inner[0])) if (!bound.has(name)) into.add(name);
        referencedNames(inner[1], into);
      }
    } else referencedNames(inner, into);
  }
}

/** For each resource, the resources it depends on. */
export function dependencyGraph(template: DependencyTemplate): Map<string, Set<string>> {
  const resources = template.Resources ?? {};
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const names = new Set<string>();
    referencedNames([resource.Properties, resource.UpdatePolicy, resource.CreationPolicy], names);
    const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
    for (const name of dependsOn) names.add(name);
    graph.set(id, new Set([...names].filter((name) => name in resources)));
  }
  return graph;
}

/**
 * The cycles of the template's dependency graph: each strongly connected component of more than one resource
 * (or a resource depending on itself), its ids sorted. Empty when CloudFormation can order every resource.
 */
export function dependencyCycles(template: DependencyTemplate): string[][] {
  const graph = dependencyGraph(template);
  // Tarjan's algorithm, iterative so a long chain of resources cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; edges: Iterator<string> }> = [];
    const visit = (id: string): void => {
      index.set(id, next);
      low.set(id, next);
      next += 1;
      stack.push(id);
      onStack.add(id);
      work.push({ id, edges: (graph.get(id) ?? new Set<string>()).values() });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edge = frame.edges.next();
      if (!edge.done) {
        const target = edge.value;
        if (!index.has(target)) visit(target);
        else if (onStack.has(target)) low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(target) as number));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent) as number, low.get(frame.id) as number));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1 || graph.get(frame.id)?.has(frame.id)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}
