/**
 * Jest runs each test file in its own realm, but onnxruntime's native code creates output typed arrays in Node's
 * main realm, which onnxruntime-common's `instanceof Float32Array` (this realm's) then refuses. Production has one
 * realm. Make this realm's typed-array `instanceof` recognise typed arrays of any realm, as Array.isArray does.
 * Loaded for every test file by jest.config.js (`setupFiles`).
 */
const constructors = [Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
for (const constructor of constructors) {
  const tag = `[object ${constructor.name}]`;
  Object.defineProperty(constructor, Symbol.hasInstance, {
    value: (value: unknown) => ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === tag,
    configurable: true,
  });
}
