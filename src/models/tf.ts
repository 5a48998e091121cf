import * as tf from '@tensorflow/tfjs';

/**
 * The one place that picks the TensorFlow.js backend. Native TensorFlow
 * (@tensorflow/tfjs-node) when it is installed — it is optional and not a
 * dependency — else WebAssembly with SIMD, and threads where the runtime
 * offers them. Everything else imports `tf` from here, so no module can end
 * up on the slow pure-JS backend by importing tfjs first.
 */
export { tf };

export type TfBackend = 'tensorflow' | 'wasm';

let ready: Promise<TfBackend> | undefined;

/** Optional native bindings; a variable keeps the compiler from resolving a package that may be absent. */
const NATIVE = '@tensorflow/tfjs-node';

async function tryNative(): Promise<boolean> {
  try {
    await import(NATIVE);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function useWasm(): Promise<TfBackend> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Threads need SharedArrayBuffer and workers; Node without them runs single-threaded SIMD.
  if (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) wasm.setThreadsCount(2);
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js wasm backend failed to start');
  return 'wasm';
}

async function pick(): Promise<TfBackend> {
  // DIALWISE_TF_BACKEND=wasm skips the native probe, so benchmarks compare like with like.
  if (process.env.DIALWISE_TF_BACKEND !== 'wasm' && (await tryNative())) return 'tensorflow';
  return useWasm();
}

/** Resolves once a backend is set; safe to call from everywhere, the choice is made once. */
export function tfReady(): Promise<TfBackend> {
  ready ??= pick().catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return ready;
}
