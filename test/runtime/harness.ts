// A test harness small enough to run unchanged on Node, Bun, Deno and workerd: no node:test, no
// node:assert, no timers beyond what the code under test uses. Tests run one after another; the
// report is plain data so a worker can send it back as JSON.

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface Report {
  runtime: string;
  passed: number;
  failed: number;
  results: TestResult[];
}

type TestFn = () => Promise<void> | void;

export class Suite {
  readonly #tests: { name: string; fn: TestFn }[] = [];
  test(name: string, fn: TestFn): void {
    this.#tests.push({ name, fn });
  }
  async run(runtime: string): Promise<Report> {
    const results: TestResult[] = [];
    for (const { name, fn } of this.#tests) {
      const start = Date.now();
      try {
        await fn();
        results.push({ name, ok: true, ms: Date.now() - start });
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        results.push({ name, ok: false, ms: Date.now() - start, error: message });
      }
    }
    const failed = results.filter((r) => !r.ok).length;
    return { runtime, passed: results.length - failed, failed, results };
  }
}

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export async function rejects(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new AssertionError(`${what}: expected a rejection`);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One line per test and a summary; the runner looks for the summary line. */
export function formatReport(report: Report): string {
  const lines = report.results.map(
    (r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)${r.ok ? '' : `\n${r.error}`}`,
  );
  lines.push(`[${report.runtime}] ${report.passed} passed, ${report.failed} failed`);
  return lines.join('\n');
}
