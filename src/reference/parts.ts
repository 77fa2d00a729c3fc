// What the references of the elementwise losses return; the elementwise path (src/elementwise-loss.ts)
// takes the same from its kernels. Here, so that a reference imports nothing above its layer.

/** Per-element losses, their sum and the gradients (one array per gradient output). */
export interface ElementwiseParts {
  elementLoss: ArrayLike<number>;
  total: number;
  grads: ArrayLike<number>[];
}
