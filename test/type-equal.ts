// A compile-time equality of two types, for tests that prove what a framework's types say.

/** Compiles only when `A` and `B` are the same type. */
export type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
