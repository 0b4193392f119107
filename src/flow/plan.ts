/**
 * A flow's steps as a graph: each step's dependencies resolved to indices, its dependents listed,
 * and an order in which every step comes after its dependencies. Pure: no I/O, no timers.
 * Building it is where unknown names and cycles are caught.
 *
 * @internal
 */

import { FlowDefinitionError } from '../errors/flow-definition-error.ts';
import type { StepSpec } from './step-options.ts';

/** A step placed in the graph. Its index is its place in definition order. */
export interface PlannedStep extends StepSpec {
  readonly index: number;
  /** Indices of the steps it depends on, in the order given. */
  readonly dependencies: readonly number[];
  /** Indices of the steps that depend on it, in definition order. */
  readonly dependents: readonly number[];
}

/** The checked graph of a flow. */
export interface Plan {
  /** Every step, in definition order. */
  readonly steps: readonly PlannedStep[];
  /** Indices of every step, each after all of its dependencies. */
  readonly order: readonly number[];
}

/**
 * Resolves the dependencies of `specs` and orders them.
 *
 * @throws {FlowDefinitionError} for a dependency on a step that does not exist, or a cycle (the
 * message names it: `a → b → c → a`, each step depending on the next).
 */
export function planOf(specs: readonly StepSpec[]): Plan {
  // Plain indexed loops: a plan is built once per definition, often once per request.
  const count = specs.length;
  const indexOf = new Map<string, number>();
  for (let index = 0; index < count; index++) indexOf.set((specs[index] as StepSpec).name, index);
  const dependencies: number[][] = new Array(count);
  const dependents: number[][] = new Array(count);
  for (let index = 0; index < count; index++) dependents[index] = [];
  for (let index = 0; index < count; index++) {
    const spec = specs[index] as StepSpec;
    const list: number[] = new Array(spec.after.length);
    for (let i = 0; i < spec.after.length; i++) {
      const dependency = indexOf.get(spec.after[i] as string);
      if (dependency === undefined) throw unknownDependency(spec, spec.after[i] as string, specs);
      list[i] = dependency;
      (dependents[dependency] as number[]).push(index);
    }
    dependencies[index] = list;
  }
  const order = topologicalOrder(dependencies, dependents);
  if (order.length < count) throw cycleError(specs, dependencies);
  // Written out rather than spread: one object shape for every step.
  const steps: PlannedStep[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const spec = specs[index] as StepSpec;
    steps[index] = {
      name: spec.name,
      after: spec.after,
      run: spec.run,
      deadline: spec.deadline,
      hasFallback: spec.hasFallback,
      fallback: spec.fallback,
      raiseForStatus: spec.raiseForStatus,
      index,
      dependencies: dependencies[index] as number[],
      dependents: dependents[index] as number[],
    };
  }
  return { steps, order };
}

function unknownDependency(
  spec: StepSpec,
  name: string,
  specs: readonly StepSpec[],
): FlowDefinitionError {
  const known = specs.map((other) => `\`${other.name}\``).join(', ');
  return new FlowDefinitionError(
    `Step \`${spec.name}\` depends on \`${name}\`, which is not a step of this flow (its steps: ${known})`,
  );
}

/** Kahn's algorithm, ties in definition order; steps on a cycle are left out. */
function topologicalOrder(
  dependencies: readonly (readonly number[])[],
  dependents: readonly (readonly number[])[],
): number[] {
  const count = dependencies.length;
  const waiting = new Array<number>(count);
  const order: number[] = [];
  for (let index = 0; index < count; index++) {
    const left = (dependencies[index] as number[]).length;
    waiting[index] = left;
    if (left === 0) order.push(index);
  }
  for (let next = 0; next < order.length; next++) {
    const list = dependents[order[next] as number] as number[];
    for (let i = 0; i < list.length; i++) {
      const dependent = list[i] as number;
      const left = (waiting[dependent] as number) - 1;
      waiting[dependent] = left;
      if (left === 0) order.push(dependent);
    }
  }
  return order;
}

/** The error naming one cycle of the graph (there is one: the topological order came up short). */
function cycleError(
  specs: readonly StepSpec[],
  dependencies: readonly (readonly number[])[],
): FlowDefinitionError {
  const cycle = findCycle(dependencies) ?? [];
  const names = cycle.map((index) => (specs[index] as StepSpec).name);
  return new FlowDefinitionError(
    `Steps depend on each other in a cycle: ${names.join(' → ')} (each depends on the next)`,
  );
}

/** A cycle as step indices, its first step repeated at the end; depth-first from each step in turn. */
function findCycle(dependencies: readonly (readonly number[])[]): number[] | undefined {
  // 0: not visited, 1: on the current path, 2: done (no cycle through it).
  const mark = dependencies.map(() => 0);
  const path: number[] = [];
  const visit = (index: number): number[] | undefined => {
    mark[index] = 1;
    path.push(index);
    for (const dependency of dependencies[index] as number[]) {
      if (mark[dependency] === 1) return [...path.slice(path.indexOf(dependency)), dependency];
      if (mark[dependency] === 0) {
        const cycle = visit(dependency);
        if (cycle !== undefined) return cycle;
      }
    }
    path.pop();
    mark[index] = 2;
    return undefined;
  };
  for (const index of dependencies.keys()) {
    if (mark[index] !== 0) continue;
    const cycle = visit(index);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
