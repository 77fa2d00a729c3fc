// The named kernel calls (src/wasm/modules/<family>.args.ts, generated from the kernel list
// src/wasm/kernels.ts by scripts/build-wasm.mjs) against the list: a call's record is keyed by the
// list's argument names, so a misspelled, missing or extra name, or a value of the wrong kind, does
// not compile. test/types.test.ts compiles this file (every `@ts-expect-error` line must be an error).
import { box_loss } from '../../src/wasm/modules/box-iou.args';
import { cross_entropy } from '../../src/wasm/modules/cross-entropy.args';
import { multilabel_margin } from '../../src/wasm/modules/multi-margin.args';
import { huber, mse, smooth_l1 } from '../../src/wasm/modules/regression.args';
import { softmax_fwd } from '../../src/wasm/modules/softmax.args';
import * as ce from '../../src/wasm/modules/cross-entropy.args';
import type { Kernels, boxIouKernels, crossEntropyKernels, multiMarginKernels, regressionKernels, softmaxKernels } from '../../src/wasm/kernels';
import { input, output } from '../../src/wasm/runtime';

declare const rk: Kernels<typeof regressionKernels>;
declare const sk: Kernels<typeof softmaxKernels>;
declare const ck: Kernels<typeof crossEntropyKernels>;
declare const bk: Kernels<typeof boxIouKernels>;
declare const mk: Kernels<typeof multiMarginKernels>;
const x = input(1, new Float32Array(4)), y = input(1, new Float32Array(4));
const g = output(1);

// every argument but the first (the item count), by name; pointers take an operand or null
mse(rk, 'float32', { x, y, loss: null, grad: g, gradTarget: null, gradRow: null, gradScale: 1 });
softmax_fwd(sk, 'float64', { n: 4, x, out: g, log: 0 });
cross_entropy(ck, 'float32', { C: 4, logits: x, targets: y, probs: null, weight: null, rowLoss: null, grad: g, gradRow: null, smoothing: 0, gradScale: 1 });

// @ts-expect-error a misspelled name (gradtarget)
mse(rk, 'float32', { x, y, loss: null, grad: g, gradtarget: null, gradRow: null, gradScale: 1 });
// @ts-expect-error a missing name (gradRow)
mse(rk, 'float32', { x, y, loss: null, grad: g, gradTarget: null, gradScale: 1 });
// @ts-expect-error the item count is the runtime's, not the record's
mse(rk, 'float32', { n: 4, x, y, loss: null, grad: g, gradTarget: null, gradRow: null, gradScale: 1 });
// @ts-expect-error a pointer is an operand, not a number
mse(rk, 'float32', { x: 0, y, loss: null, grad: g, gradTarget: null, gradRow: null, gradScale: 1 });
// @ts-expect-error a scalar is a number, not an operand
smooth_l1(rk, 'float32', { x, y, loss: null, grad: g, gradTarget: null, gradRow: null, beta: y, gradScale: 1 });
// @ts-expect-error an argument of another kernel of the family (huber's delta on smooth_l1)
smooth_l1(rk, 'float32', { x, y, loss: null, grad: g, gradTarget: null, gradRow: null, delta: 1, gradScale: 1 });
huber(rk, 'float32', { x, y, loss: null, grad: g, gradTarget: null, gradRow: null, delta: 1, gradScale: 1 });
// @ts-expect-error another family's kernels
mse(sk, 'float32', { x, y, loss: null, grad: g, gradTarget: null, gradRow: null, gradScale: 1 });
// @ts-expect-error a kernel without a dtype instantiation (thread_scratch) has no named call
ce.thread_scratch(ck, 'float32', {});

// a scratch whose size the list declares is the call's own: left out of the record
box_loss(bk, 'float64', { kind: 0, b1: x, b2: y, loss: g, g1: null, g2: null, gradRow: null, gradScale: 1, eps: 1e-7, p1: 0, p2: 0, p3: 0 });
multilabel_margin(mk, 'float32', { C: 4, x, target: y, rowLoss: g, grad: null, gradRow: null, gradScale: 1 });
// @ts-expect-error ...and not given
box_loss(bk, 'float64', { kind: 0, b1: x, b2: y, loss: g, g1: null, g2: null, gradRow: null, gradScale: 1, eps: 1e-7, p1: 0, p2: 0, p3: 0, scratch: x });
