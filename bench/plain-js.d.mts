// Types of plain-js.mjs for TypeScript importers (the site's speed panel).
export function crossEntropy(logits: Float32Array, targets: Int32Array, N: number, C: number, grad?: Float32Array): number;
export function crossEntropyWithGrad(logits: Float32Array, targets: Int32Array, N: number, C: number, out?: Float32Array): { loss: number; grad: Float32Array };
export function softmax(x: Float32Array, N: number, C: number, out?: Float32Array): Float32Array;
export function bceWithLogitsWithGrad(x: Float32Array, t: Float32Array, out?: Float32Array): { loss: number; grad: Float32Array };
export function mse(a: Float32Array, b: Float32Array): number;
export function l1(a: Float32Array, b: Float32Array): number;
export function smoothL1(a: Float32Array, b: Float32Array, beta?: number): number;
