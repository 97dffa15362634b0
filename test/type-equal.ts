// A compile-time equality of two types, for tests that prove what a framework's types say.

/** Compiles only when `A` and `B` are the same type. */
export type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * The source of a proof file written into a framework's generated directory, where this module
 * cannot be imported: `lines` (imports, declarations, the proof) after an `Equal` like the one
 * above. The file compiles only while the proof holds.
 */
export function typeProofSource(lines: readonly string[]): string {
  const equal = [
    `type Equal<A, B> =`,
    `  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;`,
  ];
  const imports = lines.filter((line) => line.startsWith('import '));
  const rest = lines.filter((line) => !line.startsWith('import '));
  return [...imports, ...equal, ...rest, ''].join('\n');
}
