#!/usr/bin/env python3
"""PyTorch's own float32 error on cross-entropy's cancelling gradient elements (issue 17).

    /usr/bin/python3 scripts/cancellation-error.py

With label smoothing or probability targets the gradient is g_c = k·(B·p_c - b_c) (B = Σ_c b_c;
docs/kernels.md, "Label smoothing and probability targets in float32"). It cancels where p_c nears
b_c/B, by the factor F = k·B·p_c/|g_c|. test/accuracy.test.ts holds each element of our float32
gradient to 2 × PyTorch's float32 error on that element, or 4 ulp of the element.

For float32 rows (256×1000 and 4096×10, uniform logits of several scales, smoothing 0.1 or
softmax-like probability targets, class weights or not, reduction 'mean') this prints:
- the share of elements with F > 4, 36, 360;
- PyTorch's relative error on the k·B·p_c term, δ = |g32 - g64| / (k·B·p_c), over the elements
  with F > 4: quantiles 0.1%, 1%, 10%, 50%;
- for a kernel whose k·B·p_c term has relative error d (worst sign) and whose result is then
  rounded (half an ulp), how many elements of the tensor would fail the bar, d = 1e-7 (float32
  exps) to 3e-11.
"""
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
DS = (1e-7, 3e-8, 1e-8, 3e-9, 1e-9, 3e-10, 1e-10, 3e-11)


def ulp32(x):
    a = np.maximum(np.abs(x).astype(np.float64), 2.0 ** -126)
    return 2.0 ** (np.floor(np.log2(a)) - 23)


def run(N, C, scale, kind, weighted, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-scale, scale, size=(N, C)).astype(np.float32)
    w = rng.uniform(0.2, 2.0, size=C).astype(np.float32) if weighted else None
    if kind == 'smooth':
        t = rng.integers(0, C, size=N)
        tgt64 = tgt32 = torch.tensor(t)
        kw = dict(label_smoothing=0.1)
    else:
        q = np.exp(4 * rng.uniform(0, 1, size=(N, C)))
        q = (q / q.sum(1, keepdims=True)).astype(np.float32)
        tgt64, tgt32 = torch.tensor(q.astype(np.float64)), torch.tensor(q)
        kw = {}
    g = {}
    for dt, tgt in ((torch.float64, tgt64), (torch.float32, tgt32)):
        xx = torch.tensor(x.astype(np.float64)).to(dt).requires_grad_(True)
        ww = None if w is None else torch.tensor(w.astype(np.float64)).to(dt)
        g[dt], = torch.autograd.grad(F.cross_entropy(xx, tgt, weight=ww, **kw), xx)
    g64, g32 = (g[d].detach().numpy().astype(np.float64).ravel() for d in (torch.float64, torch.float32))
    x64 = x.astype(np.float64)
    p = np.exp(x64 - x64.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    wv = np.ones(C) if w is None else w.astype(np.float64)
    if kind == 'smooth':
        b = np.tile(0.1 / C * wv, (N, 1))
        b[np.arange(N), t] += 0.9 * wv[t]
        W = wv[t].sum()
    else:
        b = q.astype(np.float64) * wv
        W = N
    ap = (b.sum(1, keepdims=True) * p / W).ravel()  # k·B·p_c, k = 1/W ('mean')
    return ap / np.maximum(np.abs(g64), 1e-300), np.abs(g32 - g64), ap, ulp32(g64)


def main():
    print('rows | F>4 | F>36 | F>360 | PyTorch δ on F>4: 0.1% / 1% / 10% / 50% | fails at d = ' + ', '.join(f'{d:.0e}' for d in DS))
    for N, C in ((256, 1000), (4096, 10)):
        for kind in ('smooth', 'probs'):
            for weighted in (False, True):
                for scale in (1, 4, 8, 16):
                    Fc, et, ap, u = run(N, C, scale, kind, weighted, 7 + scale)
                    sel = Fc > 4
                    q = np.quantile((et / ap)[sel], [0.001, 0.01, 0.1, 0.5]) if sel.any() else [np.nan] * 4
                    fails = [int((((d * ap + 0.5 * u) > 2 * et) & ((d * ap + 0.5 * u) > 4 * u)).sum()) for d in DS]
                    print(f'{N}x{C} {kind} w={int(weighted)} U(±{scale}) | {(Fc > 4).mean():.3f} | {(Fc > 36).mean():.4f} | {(Fc > 360).mean():.5f} | '
                          + ' / '.join(f'{v:.1e}' for v in q) + ' | ' + ', '.join(map(str, fails)), flush=True)


if __name__ == '__main__':
    main()
