// Compile-time assertions for type tests, checked by `npx tsc -p tsconfig.json --noEmit`.

/** Compiles only if the argument is assignable to `T`. */
export function expectType<T>(_value: T): void {}

/** Compiles only if `A` and `B` are the same type. */
export type Equal<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** Compiles only if its type argument is `true`. */
export function expectTrue<_T extends true>(): void {}
