/**
 * aws-local-stepfunctions 3 uses `Promise.withResolvers` (ES2024, Node.js 22); the project supports Node.js 20.
 * Imported for its effect by the suites that run state machines locally.
 */
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= () => {
  let resolve: (value: unknown) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export {};
