#!/usr/bin/env python3
"""Generates test/fixtures/torch/<family>.json from real PyTorch (format: docs/CONTRACT.md).

Needs Debian's PyTorch:  apt-get install -y python3-torch python3-torchvision
then   /usr/bin/python3 scripts/gen-fixtures.py [family ...]   (default: every family)
CI never runs this: the JSON it writes is committed.

Every input is drawn from a seeded generator and rounded to float32, then PyTorch evaluates the
case in float64 (autograd for gradients), so the expected values are float64 results of exactly
the float32 inputs the tests feed simdloss in both dtypes. Where PyTorch 2.x differs from the
Debian build (1.13), the case follows 2.x and says so in "note".

Each case also records "expected32": PyTorch's own float32 CPU result (value and autograd
gradients) from the same inputs, the bar of test/accuracy.test.ts (docs/accuracy.md).
"""
import json
import math
import os
import types

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'torch')


def f32(values):
    """float64 tensor holding float32-representable values."""
    return torch.tensor(np.asarray(values, dtype=np.float32).astype(np.float64))


def rand(rng, shape, lo=-3.0, hi=3.0):
    return f32(rng.uniform(lo, hi, size=shape))


def num(v):
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


def enc_input(t):
    """A float input: the shortest decimals that round to its float32 values."""
    data = []
    for v in t.detach().reshape(-1).tolist():
        x = np.float32(v)
        data.append(num(v) if not np.isfinite(x) else float(np.format_float_positional(x, unique=True, trim='-')))
    return {'kind': 'float', 'shape': list(t.shape), 'data': data}


def enc_index(t):
    return {'kind': 'index', 'shape': list(t.shape), 'data': [int(v) for v in t.reshape(-1).tolist()]}


def enc_out(t):
    return {'shape': list(t.shape), 'data': [num(v) for v in t.detach().reshape(-1).tolist()]}


def num32(v):
    """A float32 value as the shortest decimal that rounds to it (loaders apply Math.fround)."""
    v = float(v)
    x = np.float32(v)
    return num(v) if not np.isfinite(x) else float(np.format_float_positional(x, unique=True, trim='-'))


def enc_out32(t):
    return {'shape': list(t.shape), 'data': [num32(v) for v in t.detach().reshape(-1).tolist()]}


def as32(v, seen=None):
    """v with every float64 tensor it holds (in containers, a script function's defaults and
    closure cells) made float32: the same case, evaluated in PyTorch's float32."""
    if isinstance(v, torch.Tensor):
        return v.detach().float() if v.dtype == torch.float64 else v
    if isinstance(v, (list, tuple)):
        return type(v)(as32(x, seen) for x in v)
    if isinstance(v, dict):
        return {k: as32(x, seen) for k, x in v.items()}
    if isinstance(v, types.FunctionType) and v.__module__ == __name__:
        seen = seen if seen is not None else {}
        if id(v) in seen:
            return seen[id(v)]
        cells = None
        if v.__closure__:
            cells = tuple(types.CellType(as32(c.cell_contents, seen)) if c.cell_contents is not v else c for c in v.__closure__)
        g = types.FunctionType(v.__code__, v.__globals__, v.__name__, as32(v.__defaults__, seen), cells)
        g.__kwdefaults__ = as32(v.__kwdefaults__, seen)
        seen[id(v)] = g
        return g
    return v


def torch32(compute, args, diff, go, is_tensor):
    """PyTorch's float32 result of a case: {'loss', 'grads'} like 'expected'."""
    torch.set_default_dtype(torch.float32)
    try:
        leaves = [as32(a).clone().requires_grad_(i in diff) if kind == 'float' else a for i, (a, kind) in enumerate(args)]
        out = as32(compute)(*leaves)
        assert out.dtype == torch.float32, out.dtype
        grads = []
        if diff:
            targets = [leaves[i] for i in diff]
            gs = torch.autograd.grad(out, targets, grad_outputs=as32(go) if go is not None else torch.ones_like(out), allow_unused=True)
            grads = [enc_out32(g if g is not None else torch.zeros_like(t)) for g, t in zip(gs, targets)]
        return {'loss': enc_out32(out) if is_tensor else num32(out), 'grads': grads}
    finally:
        torch.set_default_dtype(torch.float64)


class Family:
    def __init__(self, name, provenance=None):
        self.name = name
        self.cases = []
        self.names = set()
        self.provenance = provenance  # where a family from another library than PyTorch comes from (MONAI)

    def add(self, name, fn, args, options, compute, diff, grad_output=False, rng=None, note=None, tensor_result=False):
        """args: list of (tensor, 'float' | 'index'); diff: indices of args that get gradients.
        compute(*args) -> torch result. grad_output: use a random upstream tensor (tensor results).
        tensor_result: the simdloss function returns a tensor even when it is 0-d (softmax, ...)."""
        assert name not in self.names, name
        self.names.add(name)
        leaves = [a.clone().requires_grad_(i in diff) if kind == 'float' else a for i, (a, kind) in enumerate(args)]
        out = compute(*leaves)
        case = {'name': name, 'fn': fn,
                'args': [enc_input(a) if kind == 'float' else enc_index(a) for a, kind in args],
                'options': options}
        go = None
        if out.dim() > 0 or grad_output:
            go = f32(rng.uniform(-1, 1, size=tuple(out.shape))) if grad_output else torch.ones_like(out)
            if out.dim() > 0 or grad_output:
                case['gradOutput'] = enc_input(go)
        grads = []
        if diff:
            targets = [leaves[i] for i in diff]
            gs = torch.autograd.grad(out, targets, grad_outputs=go if go is not None else torch.ones_like(out), allow_unused=True)
            grads = [enc_out(g if g is not None else torch.zeros_like(t)) for g, t in zip(gs, targets)]
        is_tensor = tensor_result or out.dim() > 0 or options.get('reduction') == 'none'
        case['expected'] = {'loss': enc_out(out) if is_tensor else num(out), 'grads': grads}
        case['expected32'] = torch32(compute, args, diff, go, is_tensor)
        if note:
            case['note'] = note
        self.cases.append(case)

    def throws(self, name, fn, args, options, compute):
        try:
            compute(*[a for a, _ in args])
        except Exception as e:  # noqa: BLE001 - any PyTorch error is the expected outcome
            self.cases.append({'name': name, 'fn': fn,
                               'args': [enc_input(a) if kind == 'float' else enc_index(a) for a, kind in args],
                               'options': options, 'throws': f'{type(e).__name__}: {e}'})
            return
        raise AssertionError(f'{name}: PyTorch did not raise')

    def write(self):
        path = os.path.join(OUT, f'{self.name}.json')
        with open(path, 'w') as f:
            head = {'generator': 'scripts/gen-fixtures.py', 'torch': torch.__version__, 'family': self.name}
            if self.provenance:
                head['provenance'] = self.provenance
            json.dump({**head, 'cases': self.cases}, f, separators=(',', ':'))
            f.write('\n')
        print(f'{path}: {len(self.cases)} cases, {os.path.getsize(path)} bytes')


def opts_tensor(t):
    return enc_input(t)


# --------------------------------------------------------------------------------------------
def softmax_family():
    fam = Family('softmax')
    rng = np.random.default_rng(1)
    shapes = [([5], -1), ([3, 7], -1), ([3, 7], 0), ([3, 7], -2), ([2, 3, 4], 0), ([2, 3, 4], 1), ([2, 3, 4], -1), ([], -1), ([2, 17], 1)]
    for shape, dim in shapes:
        x = rand(rng, shape, -5, 5)
        for fn, f in [('softmax', F.softmax), ('logSoftmax', F.log_softmax)]:
            fam.add(f'{fn}/shape{shape}/dim{dim}', fn, [(x, 'float')], {'dim': dim},
                    lambda a, f=f, dim=dim: f(a, dim=dim), [0], grad_output=True, rng=rng, tensor_result=True)
    special = f32([[1000.0, 0.0, -1000.0], [0.5, float('-inf'), 1.0], [float('-inf')] * 3])
    for fn, f in [('softmax', F.softmax), ('logSoftmax', F.log_softmax)]:
        fam.add(f'{fn}/special-values', fn, [(special, 'float')], {'dim': 1}, lambda a, f=f: f(a, dim=1), [0], grad_output=True, rng=rng)
    big = rand(rng, [20, 1000], -8, 8)
    for fn, f in [('softmax', F.softmax), ('logSoftmax', F.log_softmax)]:
        fam.add(f'{fn}/large-20x1000', fn, [(big, 'float')], {'dim': -1}, lambda a, f=f: f(a, dim=-1), [0], grad_output=True, rng=rng)
    for shape in ([7], [3, 5], [33]):
        x = rand(rng, shape, -10, 10)
        fam.add(f'sigmoid/shape{shape}', 'sigmoid', [(x, 'float')], {}, torch.sigmoid, [0], grad_output=True, rng=rng)
    tails = f32([-100.0, -30.0, -1e-3, 0.0, 1e-3, 30.0, 100.0])
    fam.add('sigmoid/tails', 'sigmoid', [(tails, 'float')], {}, torch.sigmoid, [0], grad_output=True, rng=rng)
    fam.write()


def ce_options(red, smooth, weight):
    """crossEntropy's options and F.cross_entropy's keywords: the reduction, the label smoothing
    when not 0, the class weight (a float32 tensor) when given; in that key order."""
    opts, kw = {'reduction': red}, {'reduction': red}
    if smooth:
        opts['labelSmoothing'] = smooth
        kw['label_smoothing'] = smooth
    if weight is not None:
        opts['weight'] = opts_tensor(weight)
        kw['weight'] = weight
    return opts, kw


def cross_entropy_stress(fam):
    """Seeded random rows for the cancelling gradient of label smoothing and probability targets
    (docs/kernels.md, "Label smoothing and probability targets in float32"): g_c = k·(B·p_c - b_c)
    cancels where p_c nears b_c/B. Half the rows are plain random logits (scales 1 to 16), half
    are made to cancel: z_c = log(b_c/B) + σ·noise, σ from 1e-3 to 0.3, so that most of their
    elements cancel by a factor 1/σ. Rows of 1000 classes (the per-row path), 37 (per-row with a
    tail vector) and 10 (the across-rows path; 258 rows, so 2 rows are left to the per-row path).
    A generator of its own, so that the cases before it do not change."""
    rng = np.random.default_rng(1700)
    for N, C in [(8, 1000), (64, 37), (258, 10)]:
        for kind, use_w, red in [('smooth', False, 'mean'), ('smooth', True, 'none'), ('probs', False, 'none'), ('probs', True, 'mean')]:
            w = rng.uniform(0.2, 2.0, size=C)
            wv = w if use_w else np.ones(C)
            x = np.empty((N, C))
            if kind == 'smooth':
                eps = 0.1
                t = rng.integers(0, C, size=N)
                b = np.tile(eps / C * wv, (N, 1))
                b[np.arange(N), t] += (1 - eps) * wv[t]
            else:
                eps = 0.0
                u = rng.uniform(0, 1, size=(N, C))
                q = np.exp(4 * u)
                q = np.asarray(q / q.sum(1, keepdims=True), dtype=np.float32).astype(np.float64)
                b = q * wv
            for n in range(N):
                shift = rng.uniform(-5, 5)
                if n % 2 == 0:
                    x[n] = rng.uniform(-1, 1, size=C) * [1, 4, 8, 16][(n // 2) % 4] + shift
                else:
                    sigma = [1e-3, 1e-2, 0.1, 0.3][(n // 2) % 4]
                    x[n] = np.log(b[n] / b[n].sum()) + sigma * rng.standard_normal(C) + shift
            xt = f32(x)
            opts, kw = ce_options(red, eps, f32(w) if use_w else None)
            target = (torch.tensor(t), 'index') if kind == 'smooth' else (f32(q), 'float')
            fam.add(f'crossEntropy/stress/{N}x{C}/{kind}/weight{use_w}/{red}', 'crossEntropy', [(xt, 'float'), target], opts,
                    lambda a, b, kw=kw: F.cross_entropy(a, b, **kw), [0], grad_output=red == 'none', rng=rng)


# --------------------------------------------------------------------------------------------
def cross_entropy_family():
    fam = Family('cross-entropy')
    rng = np.random.default_rng(2)

    def index_target(shape, C, ignore_some=True):
        t = torch.tensor(rng.integers(0, C, size=shape), dtype=torch.int64)
        if ignore_some and t.numel() > 2:
            t.view(-1)[1] = -100
        return t

    layouts = [('unbatched', [5], []), ('2d', [4, 5], [4]), ('3d', [3, 5, 4], [3, 4]), ('4d', [2, 5, 3, 2], [2, 3, 2])]
    for lname, xshape, tshape in layouts:
        C = 5
        x = rand(rng, xshape, -4, 4)
        t = index_target(tshape, C, ignore_some=bool(tshape))
        w = f32(rng.uniform(0.2, 2.0, size=C))
        for red in ['mean', 'sum', 'none']:
            for smooth in [0.0, 0.1, 1.0]:
                for use_w in [False, True]:
                    opts, kw = ce_options(red, smooth, w if use_w else None)
                    fam.add(f'crossEntropy/index/{lname}/{red}/smooth{smooth}/weight{use_w}', 'crossEntropy',
                            [(x, 'float'), (t, 'index')], opts,
                            lambda a, b, kw=kw: F.cross_entropy(a, b, **kw), [0], grad_output=red == 'none', rng=rng)
            nopts = {'reduction': red}
            fam.add(f'nllLoss/{lname}/{red}', 'nllLoss', [(x, 'float'), (t, 'index')], nopts,
                    lambda a, b, red=red: F.nll_loss(a, b, reduction=red), [0], grad_output=red == 'none', rng=rng)
            fam.add(f'nllLoss/{lname}/{red}/weight', 'nllLoss', [(x, 'float'), (t, 'index')], {**nopts, 'weight': opts_tensor(w)},
                    lambda a, b, red=red: F.nll_loss(a, b, weight=w, reduction=red), [0], grad_output=red == 'none', rng=rng)
        # probability targets
        q = f32(rng.uniform(0, 1, size=xshape))
        for red in ['mean', 'sum', 'none']:
            for smooth, use_w in [(0.0, False), (0.0, True), (0.2, True)]:
                opts, kw = ce_options(red, smooth, w if use_w else None)
                fam.add(f'crossEntropy/probs/{lname}/{red}/smooth{smooth}/weight{use_w}', 'crossEntropy',
                        [(x, 'float'), (q, 'float')], opts,
                        lambda a, b, kw=kw: F.cross_entropy(a, b, **kw), [0], grad_output=red == 'none', rng=rng)

    x = rand(rng, [4, 3])
    t = torch.tensor([1, 0, 2, 1])
    fam.add('nllLoss/ignoreIndex-inside-classes', 'nllLoss', [(x, 'float'), (t, 'index')], {'ignoreIndex': 1},
            lambda a, b: F.nll_loss(a, b, ignore_index=1), [0])
    fam.add('crossEntropy/ignoreIndex-2', 'crossEntropy', [(x, 'float'), (t, 'index')], {'ignoreIndex': 2, 'labelSmoothing': 0.3},
            lambda a, b: F.cross_entropy(a, b, ignore_index=2, label_smoothing=0.3), [0])
    allign = torch.tensor([-100, -100, -100, -100])
    for red in ['mean', 'sum', 'none']:
        fam.add(f'crossEntropy/all-ignored/{red}', 'crossEntropy', [(x, 'float'), (allign, 'index')], {'reduction': red},
                lambda a, b, red=red: F.cross_entropy(a, b, reduction=red), [0])
    ext = f32([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [3.0, 1e4, -3.0]])
    te = torch.tensor([0, 0, 2])
    for red in ['mean', 'none']:
        fam.add(f'crossEntropy/extreme-logits/{red}', 'crossEntropy', [(ext, 'float'), (te, 'index')], {'reduction': red},
                lambda a, b, red=red: F.cross_entropy(a, b, reduction=red), [0], grad_output=red == 'none', rng=rng)
    empty = torch.zeros(0, 4)
    et = torch.zeros(0, dtype=torch.int64)
    for red in ['mean', 'sum']:
        fam.add(f'crossEntropy/empty-batch/{red}', 'crossEntropy', [(empty, 'float'), (et, 'index')], {'reduction': red},
                lambda a, b, red=red: F.cross_entropy(a, b, reduction=red), [0])
    for C in [1, 3, 4, 10, 17, 33]:
        xs = rand(rng, [9, C], -6, 6)
        ts = index_target([9], C)
        fam.add(f'crossEntropy/classes{C}', 'crossEntropy', [(xs, 'float'), (ts, 'index')], {},
                lambda a, b: F.cross_entropy(a, b), [0])
    big = rand(rng, [1000, 100], -6, 6)
    bt = index_target([1000], 100)
    fam.add('crossEntropy/large-1000x100/smooth', 'crossEntropy', [(big, 'float'), (bt, 'index')], {'labelSmoothing': 0.05},
            lambda a, b: F.cross_entropy(a, b, label_smoothing=0.05), [0])

    cross_entropy_stress(fam)

    xb = rand(rng, [2, 5])
    fam.throws('crossEntropy/error/target-out-of-bounds', 'crossEntropy', [(xb, 'float'), (torch.tensor([1, 7]), 'index')], {},
               lambda a, b: F.cross_entropy(a, b))
    fam.throws('crossEntropy/error/negative-target', 'crossEntropy', [(xb, 'float'), (torch.tensor([-1, 0]), 'index')], {},
               lambda a, b: F.cross_entropy(a, b))
    fam.throws('crossEntropy/error/batch-mismatch', 'crossEntropy', [(xb, 'float'), (torch.tensor([1, 0, 2]), 'index')], {},
               lambda a, b: F.cross_entropy(a, b))
    fam.throws('nllLoss/error/weight-length', 'nllLoss', [(xb, 'float'), (torch.tensor([1, 0]), 'index')], {'weight': opts_tensor(f32([1.0, 2.0]))},
               lambda a, b: F.nll_loss(a, b, weight=f32([1.0, 2.0])))
    fam.write()

# --------------------------------------------------------------------------------------------
def bce_family():
    fam = Family('binary-cross-entropy')
    rng = np.random.default_rng(3)
    note_log1p = 'PyTorch 2.x computes log1p(-x) where 1.13 computes log(1 - x); expected values from the 2.x formula'

    def bce_2x(x, t, w=None, reduction='mean'):
        # Value: PyTorch 2.x's (t - 1)·max(log1p(-x), -100) - t·max(log(x), -100), times weight.
        # Gradient: PyTorch's own BCE backward (the same in 1.13 and 2.x), so the real op is the
        # differentiated path and the 2.x value difference is added as a constant.
        with torch.no_grad():
            loss = (t - 1) * torch.clamp(torch.log1p(-x), min=-100) - t * torch.clamp(torch.log(x), min=-100)
            if w is not None:
                loss = loss * w
            value = {'mean': loss.mean, 'sum': loss.sum, 'none': lambda: loss}[reduction]()
        real = F.binary_cross_entropy(x, t, weight=w, reduction=reduction)
        return real + (value - real).detach()

    for shape in ([7], [4, 5], [2, 3, 4]):
        x = f32(rng.uniform(0.001, 0.999, size=shape))
        t = f32(rng.uniform(0, 1, size=shape))
        hard = f32(rng.integers(0, 2, size=shape).astype(np.float64))
        C = shape[-1]
        wc = f32(rng.uniform(0.2, 2, size=[C]))
        wfull = f32(rng.uniform(0.2, 2, size=shape))
        for red in ['mean', 'sum', 'none']:
            go = red == 'none'
            fam.add(f'binaryCrossEntropy/{shape}/{red}/soft', 'binaryCrossEntropy', [(x, 'float'), (t, 'float')], {'reduction': red},
                    lambda a, b, red=red: bce_2x(a, b, reduction=red), [0], grad_output=go, rng=rng, note=note_log1p)
            fam.add(f'binaryCrossEntropy/{shape}/{red}/hard/weight-last-dim', 'binaryCrossEntropy', [(x, 'float'), (hard, 'float')],
                    {'reduction': red, 'weight': opts_tensor(wc)},
                    lambda a, b, red=red: bce_2x(a, b, wc, reduction=red), [0], grad_output=go, rng=rng, note=note_log1p)
            fam.add(f'binaryCrossEntropy/{shape}/{red}/weight-full', 'binaryCrossEntropy', [(x, 'float'), (t, 'float')],
                    {'reduction': red, 'weight': opts_tensor(wfull)},
                    lambda a, b, red=red: bce_2x(a, b, wfull, reduction=red), [0], grad_output=go, rng=rng, note=note_log1p)
            xl = rand(rng, shape, -8, 8)
            pw = f32(rng.uniform(0.5, 3, size=[C]))
            fam.add(f'binaryCrossEntropyWithLogits/{shape}/{red}', 'binaryCrossEntropyWithLogits', [(xl, 'float'), (t, 'float')], {'reduction': red},
                    lambda a, b, red=red: F.binary_cross_entropy_with_logits(a, b, reduction=red), [0], grad_output=go, rng=rng)
            fam.add(f'binaryCrossEntropyWithLogits/{shape}/{red}/weight/posWeight', 'binaryCrossEntropyWithLogits', [(xl, 'float'), (hard, 'float')],
                    {'reduction': red, 'weight': opts_tensor(wfull), 'posWeight': opts_tensor(pw)},
                    lambda a, b, red=red: F.binary_cross_entropy_with_logits(a, b, weight=wfull, pos_weight=pw, reduction=red), [0], grad_output=go, rng=rng)
            if len(shape) > 1:
                ml_go = red == 'none'
                fam.add(f'multilabelSoftMarginLoss/{shape}/{red}', 'multilabelSoftMarginLoss', [(xl, 'float'), (hard, 'float')], {'reduction': red},
                        lambda a, b, red=red: F.multilabel_soft_margin_loss(a, b, reduction=red), [0], grad_output=ml_go, rng=rng)
                fam.add(f'multilabelSoftMarginLoss/{shape}/{red}/weight', 'multilabelSoftMarginLoss', [(xl, 'float'), (t, 'float')],
                        {'reduction': red, 'weight': opts_tensor(wc)},
                        lambda a, b, red=red: F.multilabel_soft_margin_loss(a, b, weight=wc, reduction=red), [0], grad_output=ml_go, rng=rng)
    edges = f32([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 1 - 2 ** -24])
    et = f32([1.0, 0.0, 0.0, 1.0, 0.5, 1.0, 0.0])
    for red in ['none', 'sum']:
        fam.add(f'binaryCrossEntropy/exact-0-and-1/{red}', 'binaryCrossEntropy', [(edges, 'float'), (et, 'float')], {'reduction': red},
                lambda a, b, red=red: bce_2x(a, b, reduction=red), [0], grad_output=red == 'none', rng=rng, note=note_log1p)
    tails = f32([-1e4, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1e4])
    tt = f32([1.0, 1.0, 0.0, 0.3, 0.5, 1.0, 1.0, 0.0, 0.0])
    for red in ['none', 'mean']:
        fam.add(f'binaryCrossEntropyWithLogits/tails/{red}', 'binaryCrossEntropyWithLogits', [(tails, 'float'), (tt, 'float')], {'reduction': red},
                lambda a, b, red=red: F.binary_cross_entropy_with_logits(a, b, reduction=red), [0], grad_output=red == 'none', rng=rng)
    fam.add('multilabelSoftMarginLoss/1d', 'multilabelSoftMarginLoss', [(tails, 'float'), (tt, 'float')], {'reduction': 'none'},
            lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction='none'), [0], grad_output=True, rng=rng)
    big = rand(rng, [100000], -6, 6)
    bt = f32(rng.uniform(0, 1, size=[100000]))
    fam.add('binaryCrossEntropyWithLogits/large-1e5', 'binaryCrossEntropyWithLogits', [(big, 'float'), (bt, 'float')], {},
            lambda a, b: F.binary_cross_entropy_with_logits(a, b), [0])
    xb = f32([0.2, 0.5])
    fam.throws('binaryCrossEntropy/error/input-above-1', 'binaryCrossEntropy', [(f32([0.2, 1.5]), 'float'), (xb, 'float')], {},
               lambda a, b: F.binary_cross_entropy(a, b))
    fam.throws('binaryCrossEntropy/error/target-size', 'binaryCrossEntropy', [(xb, 'float'), (f32([[0.2, 0.5]]), 'float')], {},
               lambda a, b: F.binary_cross_entropy(a, b))
    fam.throws('binaryCrossEntropyWithLogits/error/target-size', 'binaryCrossEntropyWithLogits', [(xb, 'float'), (f32([0.2]), 'float')], {},
               lambda a, b: F.binary_cross_entropy_with_logits(a, b))
    fam.write()


# --------------------------------------------------------------------------------------------
def regression_family():
    fam = Family('regression')
    rng = np.random.default_rng(4)
    note_beta0 = 'PyTorch 2.x sends beta = 0 to l1_loss (gradient 0 at zero residual; 1.13 gives -1); expected values from F.l1_loss'
    losses = [
        ('mseLoss', {}, lambda a, b, red: F.mse_loss(a, b, reduction=red), None),
        ('l1Loss', {}, lambda a, b, red: F.l1_loss(a, b, reduction=red), None),
        ('smoothL1Loss', {'beta': 1.0}, lambda a, b, red: F.smooth_l1_loss(a, b, reduction=red, beta=1.0), None),
        ('smoothL1Loss', {'beta': 0.5}, lambda a, b, red: F.smooth_l1_loss(a, b, reduction=red, beta=0.5), None),
        ('smoothL1Loss', {'beta': 2.0}, lambda a, b, red: F.smooth_l1_loss(a, b, reduction=red, beta=2.0), None),
        ('smoothL1Loss', {'beta': 0.0}, lambda a, b, red: F.l1_loss(a, b, reduction=red), note_beta0),
        ('huberLoss', {'delta': 1.0}, lambda a, b, red: F.huber_loss(a, b, reduction=red, delta=1.0), None),
        ('huberLoss', {'delta': 0.5}, lambda a, b, red: F.huber_loss(a, b, reduction=red, delta=0.5), None),
        ('huberLoss', {'delta': 3.0}, lambda a, b, red: F.huber_loss(a, b, reduction=red, delta=3.0), None),
    ]
    # Quarter-integers, so x - y is exact: residuals 0 and at the kinks ±0.5, ±1, ±2, ±3, plus others.
    base = f32(rng.integers(-16, 16, size=[4, 6]) / 4.0)
    kinks = torch.tensor([0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 0.0, 0.25, -4.0])
    tgt = base.clone()
    tgt.view(-1)[:12] = base.view(-1)[:12] - kinks
    tgt.view(-1)[12:] = f32(rng.integers(-16, 16, size=[12]) / 4.0)
    cases = [('same-shape', base, tgt), ('broadcast-target', rand(rng, [4, 3]), rand(rng, [3])), ('broadcast-input', rand(rng, [1, 3]), rand(rng, [4, 3])), ('1d', rand(rng, [17]), rand(rng, [17]))]
    for name, x, y in cases:
        for fn, opts, f, note in losses:
            for red in ['mean', 'sum', 'none']:
                fam.add(f'{fn}/{name}/{red}/{json.dumps(opts)}', fn, [(x, 'float'), (y, 'float')], {**opts, 'reduction': red},
                        lambda a, b, f=f, red=red: f(a, b, red), [0, 1], grad_output=red == 'none', rng=rng, note=note)
    big_x = rand(rng, [20000], -3, 3)
    big_y = rand(rng, [20000], -3, 3)
    for fn, opts, f, note in [losses[0], losses[1], losses[2], losses[6]]:
        fam.add(f'{fn}/large-2e4/{json.dumps(opts)}', fn, [(big_x, 'float'), (big_y, 'float')], opts,
                lambda a, b, f=f: f(a, b, 'mean'), [0, 1], note=note)
    fam.throws('smoothL1Loss/error/negative-beta', 'smoothL1Loss', [(base, 'float'), (tgt, 'float')], {'beta': -1.0},
               lambda a, b: F.smooth_l1_loss(a, b, beta=-1.0))
    fam.throws('huberLoss/error/zero-delta', 'huberLoss', [(base, 'float'), (tgt, 'float')], {'delta': 0.0},
               lambda a, b: F.huber_loss(a, b, delta=0.0))
    fam.write()


# --------------------------------------------------------------------------------------------
def cosine_family():
    fam = Family('cosine-similarity')
    rng = np.random.default_rng(5)
    cases = [
        ('2d-dim1', rand(rng, [5, 8]), rand(rng, [5, 8]), {}),
        ('1d-dim0', rand(rng, [7]), rand(rng, [7]), {'dim': 0}),
        ('1d-dim-1', rand(rng, [7]), rand(rng, [7]), {'dim': -1}),
        ('3d-dim2', rand(rng, [2, 3, 5]), rand(rng, [2, 3, 5]), {'dim': 2}),
        ('3d-dim0', rand(rng, [2, 3, 5]), rand(rng, [2, 3, 5]), {'dim': 0}),
        ('broadcast', rand(rng, [4, 6]), rand(rng, [1, 6]), {}),
        ('near-zero', f32([[1e-9, 0.0], [3.0, 4.0]]), f32([[1.0, 0.0], [0.0, 0.0]]), {}),
        ('eps-0.1', rand(rng, [3, 4], -0.05, 0.05), rand(rng, [3, 4]), {'eps': 0.1}),
        ('long-rows', rand(rng, [3, 1000]), rand(rng, [3, 1000]), {}),
    ]
    for name, a, b, opts in cases:
        dim = opts.get('dim', 1)
        eps = opts.get('eps', 1e-8)
        fam.add(f'cosineSimilarity/{name}', 'cosineSimilarity', [(a, 'float'), (b, 'float')], opts,
                lambda x, y, dim=dim, eps=eps: F.cosine_similarity(x, y, dim=dim, eps=eps), [0, 1], grad_output=True, rng=rng, tensor_result=True)
    fam.throws('cosineSimilarity/error/dim-out-of-range', 'cosineSimilarity', [(rand(rng, [3]), 'float'), (rand(rng, [3]), 'float')], {},
               lambda x, y: F.cosine_similarity(x, y))
    # cosine_embedding_loss (its own rng: the cases above keep their inputs)
    rng = np.random.default_rng(12)
    a, b = rand(rng, [6, 5]), rand(rng, [6, 5])
    b[0] = a[0] * 2.0  # cos = 1
    b[1] = -a[1]  # cos = -1
    labels = f32([1.0, -1.0, 1.0, -1.0, -1.0, 0.0])  # 0: neither label, loss 0
    for red in ['mean', 'sum', 'none']:
        for margin in [0.0, 0.3, -0.5]:
            fam.add(f'cosineEmbeddingLoss/2d/{red}/margin{margin}', 'cosineEmbeddingLoss', [(a, 'float'), (b, 'float'), (labels, 'float')],
                    {'reduction': red, 'margin': margin},
                    lambda x, y, t, red=red, m=margin: F.cosine_embedding_loss(x, y, t, margin=m, reduction=red), [0, 1], grad_output=red == 'none', rng=rng)
    a1, b1 = rand(rng, [7]), rand(rng, [7])
    for t in [1.0, -1.0]:
        for red in ['mean', 'none']:
            fam.add(f'cosineEmbeddingLoss/1d/target{t}/{red}', 'cosineEmbeddingLoss', [(a1, 'float'), (b1, 'float'), (f32(t), 'float')], {'reduction': red, 'margin': -0.9},
                    lambda x, y, tt, red=red: F.cosine_embedding_loss(x, y, tt, margin=-0.9, reduction=red), [0, 1], grad_output=red == 'none', rng=rng)
    zero = f32(np.zeros([2, 4]))
    fam.add('cosineEmbeddingLoss/zero-vectors', 'cosineEmbeddingLoss', [(zero, 'float'), (rand(rng, [2, 4]), 'float'), (f32([1.0, -1.0]), 'float')], {'reduction': 'sum'},
            lambda x, y, t: F.cosine_embedding_loss(x, y, t, reduction='sum'), [0, 1])
    big_a, big_b = rand(rng, [50, 200]), rand(rng, [50, 200])
    big_t = f32(rng.choice([-1.0, 1.0], size=[50]))
    fam.add('cosineEmbeddingLoss/large-50x200', 'cosineEmbeddingLoss', [(big_a, 'float'), (big_b, 'float'), (big_t, 'float')], {'margin': 0.1},
            lambda x, y, t: F.cosine_embedding_loss(x, y, t, margin=0.1), [0, 1])
    fam.throws('cosineEmbeddingLoss/error/2d-target', 'cosineEmbeddingLoss', [(a, 'float'), (b, 'float'), (f32(np.ones([6, 1])), 'float')], {},
               lambda x, y, t: F.cosine_embedding_loss(x, y, t))
    fam.throws('cosineEmbeddingLoss/error/1d-target-1d-inputs', 'cosineEmbeddingLoss', [(a1, 'float'), (b1, 'float'), (f32([1.0]), 'float')], {},
               lambda x, y, t: F.cosine_embedding_loss(x, y, t))
    fam.throws('cosineEmbeddingLoss/error/0d-target-2d-inputs', 'cosineEmbeddingLoss', [(a, 'float'), (b, 'float'), (f32(1.0), 'float')], {},
               lambda x, y, t: F.cosine_embedding_loss(x, y, t))
    fam.write()


# --------------------------------------------------------------------------------------------
def kl_div_family():
    fam = Family('kl-div')
    rng = np.random.default_rng(6)
    for name, shape, tshape in [('2d', [4, 5], [4, 5]), ('3d', [2, 3, 4], [2, 3, 4]), ('1d', [7], [7]), ('broadcast-target', [4, 5], [5])]:
        x = f32(torch.log_softmax(torch.tensor(rng.uniform(-3, 3, size=shape)), dim=-1).numpy())
        p = rng.uniform(0.05, 1, size=tshape)
        t = f32(p / p.sum(axis=-1, keepdims=True))
        lt = f32(np.log(p / p.sum(axis=-1, keepdims=True)))
        for red in ['mean', 'batchmean', 'sum', 'none']:
            for log_target, tt in [(False, t), (True, lt)]:
                fam.add(f'klDiv/{name}/{red}/logTarget{log_target}', 'klDiv', [(x, 'float'), (tt, 'float')], {'reduction': red, 'logTarget': log_target},
                        lambda a, b, red=red, lg=log_target: F.kl_div(a, b, reduction=red, log_target=lg), [0, 1], grad_output=red == 'none', rng=rng)
    # zeros in the target (xlogy(0, ·) = 0; its target gradient is -inf), and a 0-d input for batchmean
    xz = f32([-1.0, -2.0, -0.5, -3.0])
    tz = f32([0.0, 0.5, 0.0, 0.5])
    fam.add('klDiv/zero-target/sum', 'klDiv', [(xz, 'float'), (tz, 'float')], {'reduction': 'sum'},
            lambda a, b: F.kl_div(a, b, reduction='sum'), [0, 1])
    fam.add('klDiv/0-d/batchmean', 'klDiv', [(f32(-0.7), 'float'), (f32(0.4), 'float')], {'reduction': 'batchmean'},
            lambda a, b: F.kl_div(a, b, reduction='batchmean'), [0, 1])
    big = f32(rng.uniform(-5, 0, size=[20000]))
    bt = f32(rng.uniform(0, 1, size=[20000]))
    fam.add('klDiv/large-2e4/batchmean', 'klDiv', [(big, 'float'), (bt, 'float')], {'reduction': 'batchmean'},
            lambda a, b: F.kl_div(a, b, reduction='batchmean'), [0, 1])
    fam.write()


# --------------------------------------------------------------------------------------------
def margin_family():
    fam = Family('margin')
    rng = np.random.default_rng(7)
    for name, shape, tshape in [('2d', [4, 5], [4, 5]), ('1d', [9], [9]), ('broadcast-target', [3, 4], [4])]:
        x = rand(rng, shape, -3, 3)
        pm1 = f32(rng.choice([-1.0, 1.0], size=tshape))
        odd = f32(rng.choice([-1.0, 1.0, 0.0, 2.0], size=tshape))  # other values: both hinge terms
        for red in ['mean', 'sum', 'none']:
            go = red == 'none'
            for tname, t in [('pm1', pm1), ('odd-targets', odd)]:
                for margin in [1.0, 0.5]:
                    fam.add(f'hingeEmbeddingLoss/{name}/{tname}/{red}/margin{margin}', 'hingeEmbeddingLoss', [(x, 'float'), (t, 'float')],
                            {'reduction': red, 'margin': margin},
                            lambda a, b, red=red, m=margin: F.hinge_embedding_loss(a, b, margin=m, reduction=red), [0], grad_output=go, rng=rng)
            fam.add(f'softMarginLoss/{name}/{red}', 'softMarginLoss', [(x, 'float'), (pm1, 'float')], {'reduction': red},
                    lambda a, b, red=red: F.soft_margin_loss(a, b, reduction=red), [0], grad_output=go, rng=rng)
    # margin ranking: x1, x2, y of the same ndim, with ties (z = 0 passes the gradient)
    x1 = f32(rng.integers(-8, 8, size=[12]) / 4.0)
    x2 = f32(rng.integers(-8, 8, size=[12]) / 4.0)
    y = f32(rng.choice([-1.0, 1.0], size=[12]))
    x2[:3] = x1[:3]  # ties at margin 0
    for red in ['mean', 'sum', 'none']:
        for margin in [0.0, 0.5]:
            fam.add(f'marginRankingLoss/1d/{red}/margin{margin}', 'marginRankingLoss', [(x1, 'float'), (x2, 'float'), (y, 'float')],
                    {'reduction': red, 'margin': margin},
                    lambda a, b, c, red=red, m=margin: F.margin_ranking_loss(a, b, c, margin=m, reduction=red), [0, 1, 2], grad_output=red == 'none', rng=rng)
    a2 = rand(rng, [3, 4])
    b2 = rand(rng, [1, 4])
    y2 = f32(rng.choice([-1.0, 1.0, 0.5], size=[3, 1]))
    fam.add('marginRankingLoss/broadcast-same-ndim', 'marginRankingLoss', [(a2, 'float'), (b2, 'float'), (y2, 'float')], {'margin': 0.2},
            lambda a, b, c: F.margin_ranking_loss(a, b, c, margin=0.2), [0, 1, 2])
    big = rand(rng, [20000], -3, 3)
    bt = f32(rng.choice([-1.0, 1.0], size=[20000]))
    fam.add('softMarginLoss/large-2e4', 'softMarginLoss', [(big, 'float'), (bt, 'float')], {}, lambda a, b: F.soft_margin_loss(a, b), [0])
    fam.throws('marginRankingLoss/error/ndim', 'marginRankingLoss', [(rand(rng, [2]), 'float'), (rand(rng, [1, 2]), 'float'), (f32([1.0, -1.0]), 'float')], {},
               lambda a, b, c: F.margin_ranking_loss(a, b, c))
    fam.write()



# --------------------------------------------------------------------------------------------
def multi_margin_family():
    fam = Family('multi-margin')
    rng = np.random.default_rng(9)
    # Integer-valued inputs make z = 0 exactly (the strict hinge) in some pairs.
    ties = f32(rng.integers(-4, 4, size=[6, 5]) / 2.0)
    for name, x, t in [('2d', rand(rng, [4, 5]), torch.tensor(rng.integers(0, 5, size=[4]))),
                       ('ties', ties, torch.tensor(rng.integers(0, 5, size=[6]))),
                       ('1d-0d-target', rand(rng, [6]), torch.tensor(2)),
                       ('1d-1-target', rand(rng, [6]), torch.tensor([4])),
                       ('one-class', rand(rng, [3, 1]), torch.tensor([0, 0, 0])),
                       ('wide-37', rand(rng, [5, 37]), torch.tensor(rng.integers(0, 37, size=[5])))]:
        C = x.shape[-1]
        w = f32(rng.uniform(0.2, 2, size=[C]))
        for red in ['mean', 'sum', 'none']:
            for p in [1, 2]:
                for margin in [1.0, 0.5]:
                    for wname, weight in [('noweight', None), ('weight', w)]:
                        opts = {'reduction': red, 'p': p, 'margin': margin}
                        if weight is not None:
                            opts['weight'] = opts_tensor(weight)
                        fam.add(f'multiMarginLoss/{name}/{red}/p{p}/margin{margin}/{wname}', 'multiMarginLoss', [(x, 'float'), (t, 'index')], opts,
                                lambda a, b, red=red, p=p, m=margin, w=weight: F.multi_margin_loss(a, b, p=p, margin=m, weight=w, reduction=red), [0],
                                grad_output=red == 'none', rng=rng)
    big = rand(rng, [300, 23])
    fam.add('multiMarginLoss/large-300x23', 'multiMarginLoss', [(big, 'float'), (torch.tensor(rng.integers(0, 23, size=[300])), 'index')], {'p': 2},
            lambda a, b: F.multi_margin_loss(a, b, p=2), [0])
    x = rand(rng, [2, 3])
    fam.throws('multiMarginLoss/error/p3', 'multiMarginLoss', [(x, 'float'), (torch.tensor([0, 1]), 'index')], {'p': 3}, lambda a, b: F.multi_margin_loss(a, b, p=3))
    fam.throws('multiMarginLoss/error/target-out-of-range', 'multiMarginLoss', [(x, 'float'), (torch.tensor([0, 3]), 'index')], {}, lambda a, b: F.multi_margin_loss(a, b))
    fam.throws('multiMarginLoss/error/negative-target', 'multiMarginLoss', [(x, 'float'), (torch.tensor([0, -1]), 'index')], {}, lambda a, b: F.multi_margin_loss(a, b))
    fam.throws('multiMarginLoss/error/target-size', 'multiMarginLoss', [(x, 'float'), (torch.tensor([0, 1, 1]), 'index')], {}, lambda a, b: F.multi_margin_loss(a, b))
    fam.throws('multiMarginLoss/error/3d', 'multiMarginLoss', [(rand(rng, [2, 3, 4]), 'float'), (torch.tensor([0, 1]), 'index')], {}, lambda a, b: F.multi_margin_loss(a, b))
    fam.throws('multiMarginLoss/error/no-classes', 'multiMarginLoss', [(rand(rng, [2, 0]), 'float'), (torch.tensor([0, 0]), 'index')], {}, lambda a, b: F.multi_margin_loss(a, b))
    w2 = f32(np.ones([1, 3]))
    fam.throws('multiMarginLoss/error/weight-2d', 'multiMarginLoss', [(x, 'float'), (torch.tensor([0, 1]), 'index')], {'weight': opts_tensor(w2)},
               lambda a, b: F.multi_margin_loss(a, b, weight=w2))

    # multilabel: rows list positives up to the first -1; duplicates count twice; entries after -1 are ignored.
    x = rand(rng, [5, 6])
    tl = torch.tensor([[3, 0, -1, 1, 1, 1], [5, 5, 2, -1, 0, 0], [-1, 2, 3, 0, 0, 0], [0, 1, 2, 3, 4, 5], [4, -1, -1, -1, -1, -1]])
    xt = f32(rng.integers(-4, 4, size=[5, 6]) / 2.0)
    for name, a, t in [('2d', x, tl), ('ties', xt, tl), ('1d', rand(rng, [7]), torch.tensor([6, 1, -1, 0, 0, 0, 0])),
                       ('one-class', rand(rng, [3, 1]), torch.tensor([[0], [-1], [0]]))]:
        for red in ['mean', 'sum', 'none']:
            fam.add(f'multilabelMarginLoss/{name}/{red}', 'multilabelMarginLoss', [(a, 'float'), (t, 'index')], {'reduction': red},
                    lambda a, b, red=red: F.multilabel_margin_loss(a, b, reduction=red), [0], grad_output=red == 'none', rng=rng)
    big = rand(rng, [120, 19])
    bt = torch.tensor(rng.integers(-1, 19, size=[120, 19]))
    fam.add('multilabelMarginLoss/large-120x19', 'multilabelMarginLoss', [(big, 'float'), (bt, 'index')], {}, lambda a, b: F.multilabel_margin_loss(a, b), [0])
    x = rand(rng, [2, 3])
    fam.throws('multilabelMarginLoss/error/shape', 'multilabelMarginLoss', [(x, 'float'), (torch.tensor([[1, -1]]), 'index')], {}, lambda a, b: F.multilabel_margin_loss(a, b))
    fam.throws('multilabelMarginLoss/error/out-of-range', 'multilabelMarginLoss', [(x, 'float'), (torch.tensor([[1, -1, 3], [0, -1, 0]]), 'index')], {},
               lambda a, b: F.multilabel_margin_loss(a, b))
    fam.throws('multilabelMarginLoss/error/below-minus-1', 'multilabelMarginLoss', [(x, 'float'), (torch.tensor([[1, -1, -2], [0, -1, 0]]), 'index')], {},
               lambda a, b: F.multilabel_margin_loss(a, b))
    fam.throws('multilabelMarginLoss/error/3d', 'multilabelMarginLoss', [(rand(rng, [2, 3, 4]), 'float'), (torch.zeros(2, 3, 4, dtype=torch.long), 'index')], {},
               lambda a, b: F.multilabel_margin_loss(a, b))
    fam.write()


# --------------------------------------------------------------------------------------------
def focal_family():
    from torchvision.ops import sigmoid_focal_loss
    fam = Family('focal')
    rng = np.random.default_rng(10)
    for name, shape in [('2d', [4, 5]), ('1d', [9]), ('3d', [2, 3, 4])]:
        x = rand(rng, shape, -4, 4)
        binary = f32(rng.integers(0, 2, size=shape).astype(np.float64))
        soft = f32(rng.uniform(0, 1, size=shape))
        for tname, t in [('binary', binary), ('soft', soft)]:
            for red in ['none', 'mean', 'sum']:
                for alpha, gamma in [(0.25, 2.0), (-1.0, 2.0), (0.5, 0.0), (0.0, 1.0), (0.75, 0.5), (0.25, 3.5)]:
                    fam.add(f'sigmoidFocalLoss/{name}/{tname}/{red}/alpha{alpha}/gamma{gamma}', 'sigmoidFocalLoss', [(x, 'float'), (t, 'float')],
                            {'reduction': red, 'alpha': alpha, 'gamma': gamma},
                            lambda a, b, red=red, al=alpha, g=gamma: sigmoid_focal_loss(a, b, alpha=al, gamma=g, reduction=red), [0],
                            grad_output=red == 'none', rng=rng)
    # Tails: confident right and wrong logits (1 - p_t tiny or near 1).
    tails = f32([-30.0, -12.0, -1e-3, 0.0, 1e-3, 12.0, 30.0] * 2)
    tt = f32([0.0] * 7 + [1.0] * 7)
    for gamma in [2.0, 0.5, 3.0]:
        fam.add(f'sigmoidFocalLoss/tails/gamma{gamma}', 'sigmoidFocalLoss', [(tails, 'float'), (tt, 'float')], {'gamma': gamma, 'reduction': 'sum'},
                lambda a, b, g=gamma: sigmoid_focal_loss(a, b, gamma=g, reduction='sum'), [0])
    big = rand(rng, [20000], -6, 6)
    bt = f32(rng.integers(0, 2, size=[20000]).astype(np.float64))
    fam.add('sigmoidFocalLoss/large-2e4/mean', 'sigmoidFocalLoss', [(big, 'float'), (bt, 'float')], {'reduction': 'mean'},
            lambda a, b: sigmoid_focal_loss(a, b, reduction='mean'), [0])
    fam.throws('sigmoidFocalLoss/error/target-size', 'sigmoidFocalLoss', [(rand(rng, [3]), 'float'), (f32(np.ones(4)), 'float')], {},
               lambda a, b: sigmoid_focal_loss(a, b))
    fam.write()


# --------------------------------------------------------------------------------------------
def distance_family():
    fam = Family('distance')
    rng = np.random.default_rng(11)
    inf = float('inf')
    # pairwise_distance: every p kind, broadcasting, keepdim, identical rows (the eps-only distance)
    same = rand(rng, [3, 5])
    for name, a, b in [('2d', rand(rng, [4, 6]), rand(rng, [4, 6])), ('1d', rand(rng, [7]), rand(rng, [7])),
                       ('broadcast', rand(rng, [3, 5]), rand(rng, [5])), ('3d', rand(rng, [2, 3, 4]), rand(rng, [2, 3, 4])),
                       ('identical-rows', same, same.clone()), ('ties', f32([[1.0, -2.0, 2.0, 0.5]]), f32([[0.0, 0.0, 0.0, 0.0]]))]:
        for p in [2.0, 1.0, inf, 0.0, 3.0, 1.5, 0.5]:
            for keepdim in [False, True]:
                for eps in [1e-6, 0.0]:
                    if (keepdim or eps == 0.0) and name not in ('2d', 'ties', 'identical-rows'):
                        continue
                    fam.add(f'pairwiseDistance/{name}/p{p}/keepdim{keepdim}/eps{eps}', 'pairwiseDistance', [(a, 'float'), (b, 'float')],
                            {'p': num(p), 'keepdim': keepdim, 'eps': eps},
                            lambda x, y, p=p, k=keepdim, e=eps: F.pairwise_distance(x, y, p=p, eps=e, keepdim=k), [0, 1], grad_output=True, rng=rng, tensor_result=True)
    big_a, big_b = rand(rng, [64, 300]), rand(rng, [64, 300])
    fam.add('pairwiseDistance/large-64x300', 'pairwiseDistance', [(big_a, 'float'), (big_b, 'float')], {},
            lambda x, y: F.pairwise_distance(x, y), [0, 1], grad_output=True, rng=rng, tensor_result=True)

    # triplet_margin_loss
    for name, shape in [('2d', [5, 4]), ('1d', [6]), ('3d', [2, 3, 4])]:
        a, pos, neg = rand(rng, shape), rand(rng, shape), rand(rng, shape)
        for red in ['mean', 'sum', 'none']:
            for margin, p, swap in [(1.0, 2.0, False), (0.5, 1.0, True), (2.0, 3.0, False), (1.0, 2.0, True), (0.2, inf, False)]:
                fam.add(f'tripletMarginLoss/{name}/{red}/margin{margin}/p{p}/swap{swap}', 'tripletMarginLoss', [(a, 'float'), (pos, 'float'), (neg, 'float')],
                        {'reduction': red, 'margin': margin, 'p': num(p), 'swap': swap},
                        lambda x, y, z, red=red, m=margin, p=p, s=swap: F.triplet_margin_loss(x, y, z, margin=m, p=p, swap=s, reduction=red), [0, 1, 2],
                        grad_output=red == 'none', rng=rng)
    a, pos = rand(rng, [4, 3]), rand(rng, [4, 3])
    fam.add('tripletMarginLoss/broadcast-negative', 'tripletMarginLoss', [(a, 'float'), (pos, 'float'), (rand(rng, [1, 3]), 'float')], {'swap': True},
            lambda x, y, z: F.triplet_margin_loss(x, y, z, swap=True), [0, 1, 2])
    fam.throws('tripletMarginLoss/error/ndim', 'tripletMarginLoss', [(rand(rng, [2, 3]), 'float'), (rand(rng, [2, 3]), 'float'), (rand(rng, [3]), 'float')], {},
               lambda x, y, z: F.triplet_margin_loss(x, y, z))

    # triplet_margin_with_distance_loss: the default distance and 1 - cosine similarity
    cosine = lambda x, y: 1.0 - F.cosine_similarity(x, y, dim=-1)  # noqa: E731
    for name, shape in [('2d', [5, 4]), ('1d', [6])]:
        a, pos, neg = rand(rng, shape), rand(rng, shape), rand(rng, shape)
        for red in ['mean', 'sum', 'none']:
            for dname, dfn in [('pairwise', None), ('cosine', cosine)]:
                for margin, swap in [(1.0, False), (0.3, True)]:
                    fam.add(f'tripletMarginWithDistanceLoss/{name}/{red}/{dname}/margin{margin}/swap{swap}', 'tripletMarginWithDistanceLoss',
                            [(a, 'float'), (pos, 'float'), (neg, 'float')], {'reduction': red, 'distance': dname, 'margin': margin, 'swap': swap},
                            lambda x, y, z, red=red, d=dfn, m=margin, s=swap: F.triplet_margin_with_distance_loss(x, y, z, distance_function=d, margin=m, swap=s, reduction=red),
                            [0, 1, 2], grad_output=red == 'none', rng=rng)
    fam.write()


# --------------------------------------------------------------------------------------------
def ctc_family():
    fam = Family('ctc')
    rng = np.random.default_rng(13)

    def log_probs(shape):
        return f32(F.log_softmax(torch.tensor(rng.uniform(-3, 3, size=shape)), dim=-1).numpy())

    def idx(values):
        return torch.tensor(values, dtype=torch.long)

    T, N, C = 8, 4, 5
    lp = log_probs([T, N, C])
    # sample 0: ordinary; 1: empty target; 2: repeated labels (needs a blank between); 3: shorter input
    padded = idx([[1, 2, 3, 0], [0, 0, 0, 0], [2, 2, 4, 4], [3, 1, 0, 0]])
    tl = [3, 0, 4, 2]
    il = [8, 8, 8, 5]
    concat = idx([1, 2, 3, 2, 2, 4, 4, 3, 1])
    for layout, tg in [('padded', padded), ('concatenated', concat)]:
        for red in ['mean', 'sum', 'none']:
            for blank in [0]:
                fam.add(f'ctcLoss/{layout}/{red}', 'ctcLoss', [(lp, 'float'), (tg, 'index'), (idx(il), 'index'), (idx(tl), 'index')],
                        {'reduction': red, 'blank': blank},
                        lambda a, b, c, d, red=red: F.ctc_loss(a, b, c, d, reduction=red), [0], grad_output=red == 'none', rng=rng)
    # another blank: labels avoid it
    fam.add('ctcLoss/blank-4', 'ctcLoss', [(lp, 'float'), (idx([[1, 2, 3, 0], [0, 0, 0, 0], [2, 2, 1, 1], [3, 1, 0, 0]]), 'index'), (idx(il), 'index'), (idx(tl), 'index')],
            {'blank': 4}, lambda a, b, c, d: F.ctc_loss(a, b, c, d, blank=4), [0])
    # a target equal to blank is accepted (not validated by PyTorch)
    fam.add('ctcLoss/target-equals-blank', 'ctcLoss', [(lp, 'float'), (idx([[1, 0, 3, 0], [0, 0, 0, 0], [2, 2, 4, 4], [3, 1, 0, 0]]), 'index'), (idx(il), 'index'), (idx(tl), 'index')],
            {'reduction': 'sum'}, lambda a, b, c, d: F.ctc_loss(a, b, c, d, reduction='sum'), [0])
    # impossible alignments: [1, 1, 1] needs 5 steps, [1, 2, 3] 3
    imp_t = idx([[1, 1, 1], [2, 0, 0], [1, 2, 3], [4, 0, 0]])
    imp_il, imp_tl = [4, 8, 2, 6], [3, 1, 3, 0]  # (an input length of 0 reads uninitialized memory in 1.13: not a fixture)
    for zi in [False, True]:
        for red in ['mean', 'none']:
            fam.add(f'ctcLoss/impossible/{red}/zeroInfinity{zi}', 'ctcLoss', [(lp, 'float'), (imp_t, 'index'), (idx(imp_il), 'index'), (idx(imp_tl), 'index')],
                    {'reduction': red, 'zeroInfinity': zi},
                    lambda a, b, c, d, red=red, zi=zi: F.ctc_loss(a, b, c, d, reduction=red, zero_infinity=zi), [0], grad_output=red == 'none', rng=rng)
    # unbatched (T, C) with 0-d lengths
    lpu = log_probs([7, 6])
    for red in ['mean', 'sum', 'none']:
        fam.add(f'ctcLoss/unbatched/{red}', 'ctcLoss', [(lpu, 'float'), (idx([5, 1, 1, 2]), 'index'), (idx(7), 'index'), (idx(4), 'index')],
                {'reduction': red}, lambda a, b, c, d, red=red: F.ctc_loss(a, b, c, d, reduction=red), [0], grad_output=red == 'none', rng=rng)
    # larger: T = 50, N = 4, C = 20, S = 10
    lpl = log_probs([50, 4, 20])
    tgl = idx(rng.integers(1, 20, size=[4, 10]))
    fam.add('ctcLoss/large-50x4x20', 'ctcLoss', [(lpl, 'float'), (tgl, 'index'), (idx([50, 45, 50, 30]), 'index'), (idx([10, 7, 10, 5]), 'index')], {},
            lambda a, b, c, d: F.ctc_loss(a, b, c, d), [0])
    # errors
    two = idx([[1, 2], [1, 1], [2, 2], [3, 3]])
    fam.throws('ctcLoss/error/padded-too-short', 'ctcLoss', [(lp, 'float'), (two, 'index'), (idx(il), 'index'), (idx([2, 3, 1, 1]), 'index')], {},
               lambda a, b, c, d: F.ctc_loss(a, b, c, d))
    fam.throws('ctcLoss/error/padded-rows', 'ctcLoss', [(lp, 'float'), (idx([[1, 2]] * 3), 'index'), (idx(il), 'index'), (idx([2, 2, 2, 2]), 'index')], {},
               lambda a, b, c, d: F.ctc_loss(a, b, c, d))
    fam.throws('ctcLoss/error/concatenated-size', 'ctcLoss', [(lp, 'float'), (idx([1, 2, 3]), 'index'), (idx(il), 'index'), (idx([2, 2, 0, 0]), 'index')], {},
               lambda a, b, c, d: F.ctc_loss(a, b, c, d))
    fam.throws('ctcLoss/error/input-length-above-T', 'ctcLoss', [(lp, 'float'), (padded, 'index'), (idx([9, 8, 8, 8]), 'index'), (idx(tl), 'index')], {},
               lambda a, b, c, d: F.ctc_loss(a, b, c, d))
    fam.throws('ctcLoss/error/lengths-size', 'ctcLoss', [(lp, 'float'), (padded, 'index'), (idx([8, 8, 8]), 'index'), (idx(tl), 'index')], {},
               lambda a, b, c, d: F.ctc_loss(a, b, c, d))
    fam.throws('ctcLoss/error/blank-out-of-range', 'ctcLoss', [(lp, 'float'), (padded, 'index'), (idx(il), 'index'), (idx(tl), 'index')], {'blank': 5},
               lambda a, b, c, d: F.ctc_loss(a, b, c, d, blank=5))
    fam.write()


# --------------------------------------------------------------------------------------------
# The IoU-family losses from the papers (docs/semantics.md §13.5–13.8), written here from their
# formulas in PyTorch so that autograd gives independent gradients (the detached factors are
# detached).
CIOU_K = 4 / math.pi ** 2


def box_geometry(a, b):
    x1, y1, x2, y2 = a.unbind(-1)
    X1, Y1, X2, Y2 = b.unbind(-1)
    iw = torch.min(x2, X2) - torch.max(x1, X1)
    ih = torch.min(y2, Y2) - torch.max(y1, Y1)
    inter = torch.where((iw > 0) & (ih > 0), iw * ih, torch.zeros_like(iw))
    w1, h1, w2, h2 = x2 - x1, y2 - y1, X2 - X1, Y2 - Y1
    return dict(I=inter, U=w1 * h1 + w2 * h2 - inter, cw=torch.max(x2, X2) - torch.min(x1, X1), ch=torch.max(y2, Y2) - torch.min(y1, Y1),
                dx=(x1 + x2) / 2 - (X1 + X2) / 2, dy=(y1 + y2) / 2 - (Y1 + Y2) / 2, w1=w1, h1=h1, w2=w2, h2=h2)


def paper_box_loss(a, b, kind, eps=1e-7, gamma=0.5, alpha=3.0, form='iou', theta=4.0, mean=None, w_alpha=1.9, delta=3.0):
    q = box_geometry(a, b)
    iou = q['I'] / (q['U'] + eps)
    d2 = q['dx'] ** 2 + q['dy'] ** 2
    c2 = q['cw'] ** 2 + q['ch'] ** 2 + eps
    v = CIOU_K * (torch.atan(q['w2'] / q['h2']) - torch.atan(q['w1'] / q['h1'])) ** 2
    if kind in ('eiou', 'focal-eiou'):
        loss = 1 - iou + d2 / c2 + (q['w1'] - q['w2']) ** 2 / (q['cw'] ** 2 + eps) + (q['h1'] - q['h2']) ** 2 / (q['ch'] ** 2 + eps)
        return loss if kind == 'eiou' else iou.detach() ** gamma * loss
    if kind == 'iou':
        return 1 - iou
    if kind == 'alpha-iou':
        loss = 1 - iou ** alpha
        if form == 'giou':
            C = q['cw'] * q['ch']
            loss = loss + ((C - q['U']).clamp(min=0) / (C + eps)) ** alpha
        if form in ('diou', 'ciou'):
            loss = loss + (d2 / c2) ** alpha
        if form == 'ciou':
            beta = (v / (1 - iou + v + eps)).detach()
            loss = loss + (beta * v) ** alpha
        return loss
    if kind == 'siou':
        lam = 2 * q['dx'].abs() * q['dy'].abs() / (d2 + eps)  # sin(2·arcsin(|dy|/σ))
        g = 2 - lam
        rx, ry = q['dx'] ** 2 / (q['cw'] ** 2 + eps), q['dy'] ** 2 / (q['ch'] ** 2 + eps)
        dist = 2 - torch.exp(-g * rx) - torch.exp(-g * ry)
        ow = (q['w1'] - q['w2']).abs() / (torch.max(q['w1'], q['w2']) + eps)
        oh = (q['h1'] - q['h2']).abs() / (torch.max(q['h1'], q['h2']) + eps)
        shape = (1 - torch.exp(-ow)) ** theta + (1 - torch.exp(-oh)) ** theta
        return 1 - iou + (dist + shape) / 2
    if kind in ('wiou-v1', 'wiou-v3'):
        loss = torch.exp(d2 / c2.detach()) * (1 - iou)
        if kind == 'wiou-v3':
            beta = (1 - iou).detach() / mean
            loss = beta / (delta * w_alpha ** (beta - delta)) * loss
        return loss
    raise ValueError(kind)


def box_iou_family():
    from torchvision.ops import complete_box_iou_loss, distance_box_iou_loss, generalized_box_iou_loss
    fam = Family('box-iou')
    rng = np.random.default_rng(14)

    def boxes(n, lo=0.0, hi=10.0, integer=False):
        c = rng.integers(0, 8, size=[n, 2]).astype(np.float64) if integer else rng.uniform(lo, hi, size=[n, 2])
        wh = rng.integers(1, 5, size=[n, 2]).astype(np.float64) if integer else rng.uniform(0.5, 5, size=[n, 2])
        return f32(np.concatenate([c, c + wh], axis=1))

    a, b = boxes(9), boxes(9)
    b[0] = a[0]  # identical
    b[1] = f32([100.0, 100.0, 101.0, 102.0])  # disjoint
    b[2] = f32(np.asarray(a[2]) + np.asarray([0.5, 0.5, -0.5, -0.5]))  # nested
    b[3] = f32([float(a[3, 2]), float(a[3, 1]), float(a[3, 2]) + 2, float(a[3, 3])])  # touching edges: no intersection
    ia, ib = boxes(12, integer=True), boxes(12, integer=True)  # integer corners: ties in min/max
    sets = [('random', a, b), ('integer-ties', ia, ib), ('broadcast', boxes(5), boxes(1)[0]), ('3d', boxes(6).reshape(2, 3, 4), boxes(6).reshape(2, 3, 4))]
    tv = [('generalizedBoxIouLoss', generalized_box_iou_loss), ('distanceBoxIouLoss', distance_box_iou_loss), ('completeBoxIouLoss', complete_box_iou_loss)]
    for name, x, y in sets:
        for red in ['none', 'mean', 'sum']:
            for eps in [1e-7, 1e-3]:
                for fn, f in tv:
                    fam.add(f'{fn}/{name}/{red}/eps{eps}', fn, [(x, 'float'), (y, 'float')], {'reduction': red, 'eps': eps},
                            lambda p, q, f=f, red=red, e=eps: f(p, q, reduction=red, eps=e), [0, 1], grad_output=red == 'none', rng=rng)
                papers = [('iouLoss', 'iou', {}), ('eiouLoss', 'eiou', {}), ('focalEiouLoss', 'focal-eiou', {}), ('focalEiouLoss', 'focal-eiou', {'gamma': 1.5}),
                          ('siouLoss', 'siou', {}), ('siouLoss', 'siou', {'theta': 2.0}), ('wiseIouLoss', 'wiou-v1', {})]
                papers += [('alphaIouLoss', 'alpha-iou', {'form': f, 'alpha': al}) for f in ['iou', 'giou', 'diou', 'ciou'] for al in [3.0, 1.0]]
                for fn, kind, opts in papers:
                    kw = {'gamma': opts.get('gamma', 0.5), 'alpha': opts.get('alpha', 3.0), 'form': opts.get('form', 'iou'), 'theta': opts.get('theta', 4.0)}
                    fam.add(f'{fn}/{name}/{red}/eps{eps}/{json.dumps(opts)}', fn, [(x, 'float'), (y, 'float')], {'reduction': red, 'eps': eps, **opts},
                            lambda p, q, kind=kind, red=red, e=eps, kw=kw: reduce_boxes(paper_box_loss(p, q, kind, eps=e, **kw), red),
                            [0, 1], grad_output=red == 'none', rng=rng)
                for mean, m in [(1.0, 0.1), (0.4, 0.0)]:
                    xl = paper_box_loss(x, y, 'iou', eps=eps)
                    new_mean = (1 - m) * mean + m * float(xl.mean())
                    fam.add(f'wiseIouLossV3/{name}/{red}/eps{eps}/mean{mean}/m{m}', 'wiseIouLossV3', [(x, 'float'), (y, 'float')],
                            {'reduction': red, 'eps': eps, 'version': 'v3', 'iouMean': mean, 'momentum': m},
                            lambda p, q, red=red, e=eps, nm=new_mean: reduce_boxes(paper_box_loss(p, q, 'wiou-v3', eps=e, mean=nm), red),
                            [0, 1], grad_output=red == 'none', rng=rng, note=f'iouMean after the call: {new_mean!r}')
    big_a, big_b = boxes(2000), boxes(2000)
    for fn, f in tv:
        fam.add(f'{fn}/large-2000/mean', fn, [(big_a, 'float'), (big_b, 'float')], {'reduction': 'mean'}, lambda p, q, f=f: f(p, q, reduction='mean'), [0, 1])
    fam.throws('generalizedBoxIouLoss/error/last-dim-3', 'generalizedBoxIouLoss', [(f32(np.ones([2, 3])), 'float'), (f32(np.ones([2, 3])), 'float')], {},
               lambda p, q: generalized_box_iou_loss(p, q))
    fam.write()


def reduce_boxes(loss, red):
    # torchvision's box-loss reductions: 'mean' of nothing is 0
    if red == 'none':
        return loss
    if red == 'sum':
        return loss.sum()
    return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()

# --------------------------------------------------------------------------------------------
def likelihood_family():
    fam = Family('likelihood')
    rng = np.random.default_rng(8)
    for name, shape, tshape in [('2d', [4, 5], [4, 5]), ('1d', [9], [9]), ('broadcast-target', [3, 4], [4])]:
        x_log = rand(rng, shape, -3, 3)
        x_lin = f32(rng.uniform(0.01, 5, size=shape))
        t = f32(rng.integers(0, 6, size=tshape).astype(np.float64))  # counts: 0, 1 (no Stirling) and > 1
        for red in ['mean', 'sum', 'none']:
            go = red == 'none'
            for log_input, x in [(True, x_log), (False, x_lin)]:
                for full in [False, True]:
                    fam.add(f'poissonNllLoss/{name}/{red}/logInput{log_input}/full{full}', 'poissonNllLoss', [(x, 'float'), (t, 'float')],
                            {'reduction': red, 'logInput': log_input, 'full': full},
                            lambda a, b, red=red, li=log_input, fu=full: F.poisson_nll_loss(a, b, log_input=li, full=fu, reduction=red), [0, 1], grad_output=go, rng=rng)
    # gaussian: var of the input's shape, without the last dim, with a last dim of 1; tiny var (the clamp)
    x = rand(rng, [4, 3])
    t = rand(rng, [4, 3])
    for vname, var in [('full-shape', f32(rng.uniform(0.1, 2, size=[4, 3]))), ('squeezed', f32(rng.uniform(0.1, 2, size=[4]))),
                       ('last-dim-1', f32(rng.uniform(0.1, 2, size=[4, 1]))), ('clamped', f32(np.array([[1e-8, 0.5, 2.0]] * 4)))]:
        for red in ['mean', 'sum', 'none']:
            for full in [False, True]:
                fam.add(f'gaussianNllLoss/{vname}/{red}/full{full}', 'gaussianNllLoss', [(x, 'float'), (t, 'float'), (var, 'float')],
                        {'reduction': red, 'full': full},
                        lambda a, b, c, red=red, fu=full: F.gaussian_nll_loss(a, b, c, full=fu, reduction=red), [0, 1, 2], grad_output=red == 'none', rng=rng)
    x1 = rand(rng, [6])
    fam.add('gaussianNllLoss/1d-with-0d-var', 'gaussianNllLoss', [(x1, 'float'), (rand(rng, [6]), 'float'), (f32(0.7), 'float')], {},
            lambda a, b, c: F.gaussian_nll_loss(a, b, c), [0, 1, 2])
    fam.add('gaussianNllLoss/broadcast-target', 'gaussianNllLoss', [(x, 'float'), (rand(rng, [3]), 'float'), (f32(rng.uniform(0.1, 2, size=[4, 3])), 'float')], {'eps': 0.01},
            lambda a, b, c: F.gaussian_nll_loss(a, b, c, eps=0.01), [0, 1, 2])
    fam.throws('gaussianNllLoss/error/var-size', 'gaussianNllLoss', [(x, 'float'), (t, 'float'), (f32(rng.uniform(0.1, 2, size=[3])), 'float')], {},
               lambda a, b, c: F.gaussian_nll_loss(a, b, c))
    fam.throws('gaussianNllLoss/error/negative-var', 'gaussianNllLoss', [(x, 'float'), (t, 'float'), (f32(-np.ones([4, 3])), 'float')], {},
               lambda a, b, c: F.gaussian_nll_loss(a, b, c))
    fam.write()

# --------------------------------------------------------------------------------------------
# MONAI's Dice losses (docs/semantics.md §17), from MONAI's own code at a pinned release. MONAI is
# not in this repository: extract the tag and point MONAI_SRC at it, e.g.
#   git -C <MONAI clone> archive 1.3.2 | tar -x -C /tmp/monai-1.3.2
#   MONAI_SRC=/tmp/monai-1.3.2 /usr/bin/python3 scripts/gen-fixtures.py dice
MONAI_VERSION = '1.3.2'
MONAI_COMMIT = '59a7211070538586369afd4a01eca0a7fe2e742e'  # git rev-parse 1.3.2^{commit}


def monai_losses():
    import sys
    import warnings
    src = os.environ.get('MONAI_SRC')
    if not src:
        raise SystemExit('dice: set MONAI_SRC to an extracted MONAI 1.3.2 source tree (see scripts/gen-fixtures.py)')
    sys.path.insert(0, src)
    import monai
    assert monai.__version__ == MONAI_VERSION, monai.__version__
    # MONAI warns where it ignores softmax, to_onehot_y or include_background=False for one channel
    warnings.filterwarnings('ignore', module='monai')
    from monai.losses.dice import DiceLoss, GeneralizedDiceLoss
    from monai.losses.tversky import TverskyLoss

    class GradGeneralizedDiceLoss(GeneralizedDiceLoss):
        """GeneralizedDiceLoss with its weights multiplied by 1.0 (the same values): MONAI zeroes the
        infinite weights in place on reciprocal's output, which autograd needs for the target's
        gradient ('one of the variables needed for gradient computation has been modified by an
        inplace operation'); the product is a fresh tensor, so autograd can give that gradient."""

        def w_func(self, grnd):
            return super().w_func(grnd) * 1.0

    return DiceLoss, GradGeneralizedDiceLoss, TverskyLoss


def snake(opts):
    names = {'includeBackground': 'include_background', 'toOnehotY': 'to_onehot_y', 'squaredPred': 'squared_pred',
             'smoothNr': 'smooth_nr', 'smoothDr': 'smooth_dr', 'wType': 'w_type'}
    return {names.get(k, k): v for k, v in opts.items()}


def dice_family():
    DiceLoss, GeneralizedDiceLoss, TverskyLoss = monai_losses()
    fam = Family('dice', provenance={
        'library': 'monai', 'version': MONAI_VERSION, 'commit': MONAI_COMMIT,
        'source': 'https://github.com/Project-MONAI/MONAI/tree/1.3.2',
        'functions': {'diceLoss': 'monai/losses/dice.py (DiceLoss)', 'generalizedDiceLoss': 'monai/losses/dice.py (GeneralizedDiceLoss)',
                  'tverskyLoss': 'monai/losses/tversky.py (TverskyLoss)', 'toOnehotY': 'monai/networks/utils.py (one_hot)'},
        'note': 'generalizedDiceLoss runs as a subclass whose w_func multiplies the weights by 1.0, so that autograd can give the '
                "target's gradient (MONAI's in-place write otherwise fails it); the values are MONAI's"})
    rng = np.random.default_rng(22)
    classes = {'diceLoss': DiceLoss, 'generalizedDiceLoss': GeneralizedDiceLoss, 'tverskyLoss': TverskyLoss}

    def add(fn, name, x, t, opts, reds=('mean', 'sum', 'none'), note=None):
        index = t.dtype == torch.int64
        for red in reds:
            o = {**opts, 'reduction': red}
            kw = snake(o)
            for k, v in list(kw.items()):
                if isinstance(v, dict):  # a weight tensor
                    kw[k] = torch.tensor([float(u) for u in v['data']])
            fam.add(f'{fn}/{name}/{red}', fn, [(x, 'float'), (t, 'index' if index else 'float')], o,
                    lambda a, b, kw=kw, cls=classes[fn]: cls(**kw)(a, b), [0] if index else [0, 1],
                    grad_output=red == 'none', rng=rng, note=note)

    shapes = [('2d-b2c3', [2, 3, 4, 5]), ('3d-b1c4', [1, 4, 3, 2, 3]), ('2d-b3c1', [3, 1, 4, 4]), ('1d-b2c2', [2, 2, 7])]
    data = {}
    for sname, shape in shapes:
        B, C = shape[0], shape[1]
        logits = rand(rng, shape, -3, 3)
        probs = f32(rng.uniform(0, 1, size=shape))
        soft = f32(rng.uniform(0, 1, size=shape))
        labels = torch.tensor(rng.integers(0, max(C, 2), size=[B, 1] + shape[2:]))
        data[sname] = (logits, probs, soft, labels, C)

    common = [('plain', False, {}), ('sigmoid', True, {'sigmoid': True}), ('softmax', True, {'softmax': True}),
              ('onehot', False, {'toOnehotY': True}), ('no-background', False, {'includeBackground': False}),
              ('softmax-onehot-no-background', True, {'softmax': True, 'toOnehotY': True, 'includeBackground': False}),
              ('smooth', False, {'smoothNr': 0.0, 'smoothDr': 1e-3}), ('batch', False, {'batch': True}),
              ('sigmoid-onehot-batch', True, {'sigmoid': True, 'toOnehotY': True, 'batch': True})]
    own = {
        'diceLoss': [('squared', False, {'squaredPred': True}), ('jaccard', False, {'jaccard': True}),
                     ('sigmoid-squared-jaccard-batch', True, {'sigmoid': True, 'squaredPred': True, 'jaccard': True, 'batch': True}),
                     ('weight-number', False, {'weight': 0.7}), ('weight-list', True, {'softmax': True, 'weight': 'list'}),
                     ('softmax-onehot-no-background-weight', True, {'softmax': True, 'toOnehotY': True, 'includeBackground': False, 'weight': 'list'})],
        'generalizedDiceLoss': [('simple', False, {'wType': 'simple'}), ('uniform', False, {'wType': 'uniform'}),
                                ('softmax-simple-batch', True, {'softmax': True, 'wType': 'simple', 'batch': True})],
        'tverskyLoss': [('alpha0.3-beta0.7', False, {'alpha': 0.3, 'beta': 0.7}), ('alpha1-beta0', True, {'sigmoid': True, 'alpha': 1.0, 'beta': 0.0}),
                        ('softmax-onehot-alpha0.7-beta0.3-batch', True, {'softmax': True, 'toOnehotY': True, 'alpha': 0.7, 'beta': 0.3, 'batch': True})],
    }
    for fn in classes:
        for sname, _ in shapes:
            logits, probs, soft, labels, C = data[sname]
            for oname, logit, opts in common + own[fn]:
                opts = dict(opts)
                if opts.get('weight') == 'list':
                    n = C - 1 if opts.get('includeBackground') is False and C > 1 else C
                    opts['weight'] = [float(np.float32(v)) for v in rng.uniform(0.1, 2, size=n)]
                # the default shapes get every reduction; the others 'mean' and 'none'
                reds = ('mean', 'sum', 'none') if sname in ('2d-b2c3', '3d-b1c4') else ('mean', 'none')
                add(fn, f'{sname}/{oname}', logits if logit else probs, labels if opts.get('toOnehotY') else soft, opts, reds)
        # a weight given as a typed tensor
        if fn == 'diceLoss':
            logits, probs, soft, labels, C = data['2d-b2c3']
            add(fn, '2d-b2c3/weight-tensor', probs, soft, {'weight': enc_input(f32([0.5, 0.0, 2.0]))}, ('mean', 'none'))

    # Degenerate cases: a class with no target (GDL's infinite weight, replaced by the largest),
    # every class empty in one batch item, an empty (all-zero) prediction, one channel.
    x = f32(rng.uniform(0, 1, size=[2, 3, 3, 3]))
    t = f32(rng.integers(0, 2, size=[2, 3, 3, 3]).astype(np.float64))
    t[0, 1] = 0.0  # class 1 has no target in item 0
    t[1] = 0.0  # item 1 has no target at all
    zero = f32(np.zeros([2, 3, 3, 3]))
    soft_t = f32(rng.uniform(0, 1, size=[2, 3, 3, 3]))
    soft_t[0, 2] = 0.0
    for fn in classes:
        extra = [{}] + ([{'wType': 'simple'}, {'batch': True}] if fn == 'generalizedDiceLoss' else [{'jaccard': True}] if fn == 'diceLoss' else [])
        for opts in extra:
            tag = '/'.join(f'{k}-{v}' for k, v in opts.items()) or 'default'
            add(fn, f'empty-class/{tag}', x, t, opts)
            add(fn, f'empty-class-soft-target/{tag}', x, soft_t, opts, ('sum',))
            add(fn, f'empty-prediction/{tag}', zero, t, opts, ('mean', 'none'))
            add(fn, f'empty-prediction-and-target/{tag}', zero, zero, opts, ('mean',))
        one = f32(rng.uniform(-2, 2, size=[2, 1, 5]))
        one_t = torch.tensor(rng.integers(0, 2, size=[2, 1, 5]))
        add(fn, 'one-channel/softmax-onehot-no-background-ignored', one, one_t, {'softmax': True, 'toOnehotY': True, 'includeBackground': False}, ('mean', 'none'))
        add(fn, 'one-channel/sigmoid-float-target', one, f32(rng.uniform(0, 1, size=[2, 1, 5])), {'sigmoid': True}, ('mean', 'none'))
    big = rand(rng, [2, 4, 16, 20], -4, 4)
    big_t = torch.tensor(rng.integers(0, 4, size=[2, 1, 16, 20]))
    for fn in classes:
        add(fn, 'large-2x4x16x20/softmax-onehot', big, big_t, {'softmax': True, 'toOnehotY': True}, ('mean',))
    add('diceLoss', 'large-2x4x16x20/sigmoid-soft-target', big, f32(rng.uniform(0, 1, size=[2, 4, 16, 20])), {'sigmoid': True}, ('sum',))

    # MONAI's errors
    x = rand(rng, [2, 3, 4])
    lab = torch.tensor(rng.integers(0, 3, size=[2, 1, 4]))
    errors = [
        ('diceLoss', 'sigmoid-and-softmax', x, f32(np.zeros([2, 3, 4])), {'sigmoid': True, 'softmax': True}),
        ('generalizedDiceLoss', 'sigmoid-and-softmax', x, f32(np.zeros([2, 3, 4])), {'sigmoid': True, 'softmax': True}),
        ('tverskyLoss', 'sigmoid-and-softmax', x, f32(np.zeros([2, 3, 4])), {'sigmoid': True, 'softmax': True}),
        ('diceLoss', 'weight-length', x, f32(np.zeros([2, 3, 4])), {'weight': [1.0, 2.0]}),
        ('diceLoss', 'weight-negative', x, f32(np.zeros([2, 3, 4])), {'weight': [1.0, -2.0, 1.0]}),
        ('diceLoss', 'target-shape', x, f32(np.zeros([2, 3, 5])), {}),
        ('tverskyLoss', 'target-shape', x, f32(np.zeros([2, 2, 4])), {}),
        ('generalizedDiceLoss', 'onehot-target-channels', x, torch.tensor(rng.integers(0, 3, size=[2, 2, 4])), {'toOnehotY': True}),
        ('diceLoss', 'onehot-index-out-of-range', x, torch.tensor([[[0, 1, 3, 2]], [[0, 0, 0, 0]]]), {'toOnehotY': True}),
        ('generalizedDiceLoss', 'w-type', x, f32(np.zeros([2, 3, 4])), {'wType': 'cubic'}),
    ]
    for fn, name, a, b, opts in errors:
        fam.throws(f'{fn}/error/{name}', fn, [(a, 'float'), (b, 'index' if b.dtype == torch.int64 else 'float')], opts,
                   lambda p, q, kw=snake(opts), cls=classes[fn]: cls(**kw)(p, q))
    del lab
    # Generalized Dice weight ties: classes 0 and 1 share a volume and class 2 has none, so the
    # largest weight is tied (per item, and over the batch): where the replaced weight's gradient goes.
    tx = f32([[[0.2, 0.7], [0.5, 0.1], [0.9, 0.3]], [[0.4, 0.6], [0.3, 0.3], [0.8, 0.2]]])
    tt = f32([[[0.5, 0.5], [0.25, 0.75], [0.0, 0.0]], [[0.5, 0.5], [1.0, 0.0], [0.0, 0.0]]])
    for opts in [{}, {'batch': True}, {'wType': 'simple', 'batch': True}]:
        tag = '/'.join(f'{k}-{v}' for k, v in opts.items()) or 'default'
        add('generalizedDiceLoss', f'weight-ties/{tag}', tx, tt, opts, ('sum',))
    fam.write()



# --------------------------------------------------------------------------------------------
# Kornia 0.7.4 (issue 22). Kornia is imported from its source: KORNIA_SRC=/path/to/kornia-0.7.4,
# e.g. `git -C <kornia mirror> archive v0.7.4 | tar -x -C /tmp/kornia-0.7.4`. Its code never enters
# this repository; each fixture file names the version, commit and source files it came from.
KORNIA_VERSION = '0.7.4'
KORNIA_COMMIT = 'b2edb53ec7db87fedfb78a395d7b096a33e09cd4'  # git rev-parse v0.7.4^{commit}


def kornia():
    """The kornia package from KORNIA_SRC. Stubbed for the Debian torch 1.13 environment: kornia_rs
    (only its image reader imports it) and, when absent, packaging.version (kornia/utils/_compat.py
    compares torch versions with it: a numeric-tuple parse is enough for '1.13.0a0')."""
    import re
    import sys
    src = os.environ.get('KORNIA_SRC')
    if not src:
        raise SystemExit('set KORNIA_SRC to a Kornia 0.7.4 source tree (git archive v0.7.4)')
    sys.modules.setdefault('kornia_rs', types.ModuleType('kornia_rs'))
    try:
        import packaging.version  # noqa: F401
    except ImportError:
        pk, pv = types.ModuleType('packaging'), types.ModuleType('packaging.version')
        pv.parse = lambda v: tuple(int(d) for d in re.findall(r'\d+', v.split('+')[0].split('a')[0])[:3])
        pk.version = pv
        sys.modules['packaging'], sys.modules['packaging.version'] = pk, pv
    if src not in sys.path:
        sys.path.insert(0, src)
    import kornia as k
    assert k.__version__ == KORNIA_VERSION, k.__version__
    return k


class KorniaFamily(Family):
    """A Family whose JSON also records where its semantics come from ('provenance')."""

    def __init__(self, name, sources):
        super().__init__(name)
        self.sources = sources

    def write(self):
        super().write()
        path = os.path.join(OUT, f'{self.name}.json')
        with open(path) as f:
            data = json.load(f)
        data['provenance'] = {'library': 'kornia', 'version': KORNIA_VERSION, 'commit': KORNIA_COMMIT,
                              'source': 'https://github.com/kornia/kornia/tree/v0.7.4', 'functions': self.sources,
                              'stubs': 'kornia_rs (image reader only); packaging.version when absent (torch version checks)'}
        with open(path, 'w') as f:
            json.dump(data, f, separators=(',', ':'))
            f.write('\n')


def focal_limit(case):
    """With one class p = 1 and 1 - p = 0: for 0 < γ < 1 autograd's γ·(1 - p)^(γ-1)·p·log p is ∞·0 =
    NaN, though the loss is constant (0) and its gradient 0, the term's limit. simdloss takes the
    limit (docs/semantics.md §15); the case keeps Kornia's loss and records the gradient as 0."""
    for exp in (case['expected'], case['expected32']):
        for g in exp['grads']:
            assert all(v == 'NaN' for v in g['data']), g
            g['data'] = [0.0] * len(g['data'])
    case['note'] = 'PyTorch gives NaN gradients here (inf * 0 in pow\'s backward where 1 - p = 0); simdloss gives the limit 0 (docs/semantics.md §15)'


def softmax_focal_family():
    focal_loss = kornia().losses.focal_loss
    fam = KorniaFamily('softmax-focal', {'focalLoss': 'kornia/losses/focal.py (focal_loss), kornia/utils/one_hot.py, kornia/losses/_utils.py'})
    rng = np.random.default_rng(22)
    shapes = [('NC', [5, 4]), ('NCd', [2, 3, 7]), ('NCdd', [2, 4, 3, 5]), ('C1', [3, 1, 2])]
    variants = [  # name, alpha, gamma, weighted, ignore_index, ignored targets
        ('alpha0.25', 0.25, 2.0, False, -100, False),
        ('alphaNone', None, 2.0, False, -100, False),
        ('gamma0', 0.5, 0.0, True, -100, False),
        ('gamma0.5-weight', 0.8, 0.5, True, -100, True),
        ('gamma1-ignored', 0.25, 1.0, False, -100, True),
        ('gamma3.5-ignore1', None, 3.5, True, 1, False),
        ('ignoreNone', 0.25, 2.0, False, None, False),
    ]
    for sname, shape in shapes:
        C = shape[1]
        x = rand(rng, shape, -4, 4)
        tshape = [shape[0]] + shape[2:]
        t0 = torch.tensor(rng.integers(0, C, size=tshape), dtype=torch.int64)
        w = f32(rng.uniform(0.2, 2, size=[C]))
        for vname, alpha, gamma, weighted, ii, ignored in variants:
            t = t0.clone()
            if ignored:
                t.view(-1)[::3] = -100
            opts = {'alpha': alpha, 'gamma': gamma, 'ignoreIndex': ii}
            if weighted:
                opts['weight'] = opts_tensor(w)
            for red in ['none', 'mean', 'sum']:
                fam.add(f'focalLoss/{sname}/{vname}/{red}', 'focalLoss', [(x, 'float'), (t, 'index')], {**opts, 'reduction': red},
                        lambda a, b, al=alpha, g=gamma, ii=ii, red=red, w=(w if weighted else None): focal_loss(a, b, al, gamma=g, reduction=red, weight=w, ignore_index=ii),
                        [0], grad_output=red == 'none', rng=rng)
                if C == 1 and 0 < gamma < 1:
                    focal_limit(fam.cases[-1])
    # defaults (gamma 2, reduction 'none', ignore_index -100); confident logits (p → 1, 1 - p → 0)
    x = rand(rng, [4, 3], -2, 2)
    t = torch.tensor([0, 2, 1, 2])
    fam.add('focalLoss/defaults', 'focalLoss', [(x, 'float'), (t, 'index')], {'alpha': 0.25}, lambda a, b: focal_loss(a, b, 0.25), [0])
    sharp = f32([[30.0, 0.0, -30.0], [-20.0, 20.0, 0.0], [0.0, 0.0, 15.0]])
    for gamma in [2.0, 1.5]:
        fam.add(f'focalLoss/confident/gamma{gamma}', 'focalLoss', [(sharp, 'float'), (torch.tensor([0, 1, 0]), 'index')], {'alpha': None, 'gamma': gamma, 'reduction': 'sum'},
                lambda a, b, g=gamma: focal_loss(a, b, None, gamma=g, reduction='sum'), [0])
    big = rand(rng, [2, 5, 40, 40], -3, 3)
    bt = torch.tensor(rng.integers(0, 5, size=[2, 40, 40]), dtype=torch.int64)
    bt.view(-1)[::17] = -100
    fam.add('focalLoss/large-2x5x40x40/mean', 'focalLoss', [(big, 'float'), (bt, 'index')], {'alpha': 0.25, 'reduction': 'mean'},
            lambda a, b: focal_loss(a, b, 0.25, reduction='mean'), [0])
    x = rand(rng, [3, 4])
    fam.throws('focalLoss/error/target-out-of-bounds', 'focalLoss', [(x, 'float'), (torch.tensor([0, 4, 1]), 'index')], {'alpha': 0.25},
               lambda a, b: focal_loss(a, b, 0.25))
    fam.throws('focalLoss/error/negative-target', 'focalLoss', [(x, 'float'), (torch.tensor([0, -1, 1]), 'index')], {'alpha': 0.25},
               lambda a, b: focal_loss(a, b, 0.25))
    fam.throws('focalLoss/error/ignored-without-ignoreIndex', 'focalLoss', [(x, 'float'), (torch.tensor([0, -100, 1]), 'index')], {'alpha': 0.25, 'ignoreIndex': None},
               lambda a, b: focal_loss(a, b, 0.25, ignore_index=None))
    fam.throws('focalLoss/error/weight-size', 'focalLoss', [(x, 'float'), (torch.tensor([0, 1, 1]), 'index')], {'alpha': 0.25, 'weight': opts_tensor(f32(np.ones(3)))},
               lambda a, b: focal_loss(a, b, 0.25, weight=f32(np.ones(3))))
    fam.throws('focalLoss/error/target-shape', 'focalLoss', [(x, 'float'), (torch.tensor([0, 1]), 'index')], {'alpha': 0.25},
               lambda a, b: focal_loss(a, b, 0.25))
    fam.write()


def image_quality_family():
    k = kornia()
    psnr_loss, ssim_loss = k.losses.psnr_loss, k.losses.ssim_loss
    fam = KorniaFamily('image-quality', {
        'psnrLoss': 'kornia/losses/psnr.py (psnr_loss), kornia/metrics/psnr.py',
        'ssimLoss': 'kornia/losses/ssim.py (ssim_loss), kornia/metrics/ssim.py, kornia/filters/filter.py (filter2d_separable), kornia/filters/kernels.py (get_gaussian_kernel1d)',
    })
    rng = np.random.default_rng(23)
    for name, shape in [('BCHW', [2, 3, 4, 5]), ('1d', [7]), ('image', [1, 1, 8, 8])]:
        a = f32(rng.uniform(0, 1, size=shape))
        b = f32(rng.uniform(0, 1, size=shape))
        for max_val in [1.0, 2.0, 255.0]:
            fam.add(f'psnrLoss/{name}/maxVal{max_val}', 'psnrLoss', [(a, 'float'), (b, 'float')], {'maxVal': max_val},
                    lambda x, y, m=max_val: psnr_loss(x, y, m), [0, 1])
    ones = f32(np.ones(1))
    fam.add('psnrLoss/docstring', 'psnrLoss', [(ones, 'float'), (f32(1.2 * np.ones(1)), 'float')], {'maxVal': 2.0}, lambda x, y: psnr_loss(x, y, 2.0), [0, 1])
    same = f32(rng.uniform(0, 1, size=[2, 3]))
    fam.add('psnrLoss/identical', 'psnrLoss', [(same, 'float'), (same.clone(), 'float')], {'maxVal': 1.0}, lambda x, y: psnr_loss(x, y, 1.0), [0, 1],
            note='MSE 0: the loss is -inf and autograd gives NaN gradients')
    fam.throws('psnrLoss/error/shapes', 'psnrLoss', [(f32(np.ones(3)), 'float'), (f32(np.ones(4)), 'float')], {'maxVal': 1.0},
               lambda x, y: psnr_loss(x, y, 1.0))
    # SSIM: windows 3, 5, 11 on images smaller and larger than the window, both paddings
    cases = [('3', [2, 3, 5, 6], 3), ('5', [1, 2, 7, 9], 5), ('11-small', [2, 1, 6, 7], 11), ('11-large', [1, 2, 16, 13], 11), ('5-small', [1, 1, 3, 4], 5)]
    for name, shape, win in cases:
        a = f32(rng.uniform(0, 1, size=shape))
        b = f32(np.clip(a.numpy() + rng.normal(0, 0.2, size=shape), 0, 1))
        for pad in ['same', 'valid']:
            if pad == 'valid' and min(shape[2:]) < win - 1:
                continue
            for red in ['mean', 'sum', 'none']:
                fam.add(f'ssimLoss/window{name}/{pad}/{red}', 'ssimLoss', [(a, 'float'), (b, 'float')], {'windowSize': win, 'padding': pad, 'reduction': red},
                        lambda x, y, w=win, p=pad, r=red: ssim_loss(x, y, w, reduction=r, padding=p), [0, 1], grad_output=red == 'none', rng=rng)
    a = f32(rng.uniform(0, 2, size=[1, 2, 6, 6]))
    b = f32(rng.uniform(0, 2, size=[1, 2, 6, 6]))
    fam.add('ssimLoss/maxVal2-eps0.01', 'ssimLoss', [(a, 'float'), (b, 'float')], {'windowSize': 3, 'maxVal': 2.0, 'eps': 0.01},
            lambda x, y: ssim_loss(x, y, 3, max_val=2.0, eps=0.01), [0, 1])
    fam.add('ssimLoss/identical', 'ssimLoss', [(a, 'float'), (a.clone(), 'float')], {'windowSize': 5, 'maxVal': 2.0},
            lambda x, y: ssim_loss(x, y, 5, max_val=2.0), [0, 1], note='SSIM = den/(den + eps): the loss is about 1e-11, not 0')
    anti = f32(rng.uniform(0, 1, size=[1, 1, 7, 7]))
    fam.add('ssimLoss/anticorrelated', 'ssimLoss', [(anti, 'float'), (f32(1 - anti.numpy()), 'float')], {'windowSize': 3, 'reduction': 'none'},
            lambda x, y: ssim_loss(x, y, 3, reduction='none'), [0, 1], grad_output=True, rng=rng)
    # 'valid' with H = windowSize - 1: an empty map ('mean' of nothing is NaN)
    e1, e2 = f32(rng.uniform(0, 1, size=[1, 1, 4, 6])), f32(rng.uniform(0, 1, size=[1, 1, 4, 6]))
    for red in ['mean', 'sum']:
        fam.add(f'ssimLoss/valid-empty/{red}', 'ssimLoss', [(e1, 'float'), (e2, 'float')], {'windowSize': 5, 'padding': 'valid', 'reduction': red},
                lambda x, y, r=red: ssim_loss(x, y, 5, padding='valid', reduction=r), [0, 1])
    big1 = f32(rng.uniform(0, 1, size=[2, 3, 32, 40]))
    big2 = f32(np.clip(big1.numpy() + rng.normal(0, 0.1, size=big1.shape), 0, 1))
    fam.add('ssimLoss/large-2x3x32x40', 'ssimLoss', [(big1, 'float'), (big2, 'float')], {'windowSize': 11}, lambda x, y: ssim_loss(x, y, 11), [0, 1])
    img = f32(rng.uniform(0, 1, size=[1, 1, 5, 5]))
    fam.throws('ssimLoss/error/even-window', 'ssimLoss', [(img, 'float'), (img, 'float')], {'windowSize': 4}, lambda x, y: ssim_loss(x, y, 4))
    fam.throws('ssimLoss/error/window-too-large', 'ssimLoss', [(img, 'float'), (img, 'float')], {'windowSize': 11}, lambda x, y: ssim_loss(x, y, 11))
    fam.throws('ssimLoss/error/valid-too-small', 'ssimLoss', [(img[..., :3, :], 'float'), (img[..., :3, :], 'float')], {'windowSize': 5, 'padding': 'valid'},
               lambda x, y: ssim_loss(x, y, 5, padding='valid'))
    fam.throws('ssimLoss/error/3d', 'ssimLoss', [(img[0], 'float'), (img[0], 'float')], {'windowSize': 3}, lambda x, y: ssim_loss(x, y, 3))
    fam.throws('ssimLoss/error/shapes', 'ssimLoss', [(img, 'float'), (img[..., :4], 'float')], {'windowSize': 3}, lambda x, y: ssim_loss(x, y, 3))
    fam.write()


# --------------------------------------------------------------------------------------------
# Lovász losses (issue 22): Kornia 0.7.4's lovasz_hinge_loss and lovasz_softmax_loss, run from
# its release source tree: KORNIA_SRC=/path/to/kornia-0.7.4 (the public repository's tag v0.7.4,
# e.g. `git archive v0.7.4 | tar -x -C DIR`). No Kornia code is kept in this repository.
LOVASZ_KORNIA_FILES = ['kornia/losses/lovasz_hinge.py', 'kornia/losses/lovasz_softmax.py']


def lovasz_kornia():
    """kornia.losses from $KORNIA_SRC (kornia() above), and the provenance: the version, commit and
    the sha256 of the two source files the fixtures come from."""
    import hashlib
    k = kornia()
    src = os.environ['KORNIA_SRC']
    sha = {f: hashlib.sha256(open(os.path.join(src, f), 'rb').read()).hexdigest() for f in LOVASZ_KORNIA_FILES}
    provenance = {'library': 'kornia', 'version': k.__version__, 'commit': KORNIA_COMMIT, 'files': sha,
                  'repository': 'https://github.com/kornia/kornia'}
    return k.losses, provenance


def lovasz_softmax_per_class(pred, target, weight=None):
    """Kornia 0.7.4's lovasz_softmax_loss (softmax over C, |p - fg| sorted per image and class,
    loss_per_class = Σ_pixels then mean over the batch, × weight, mean over all C classes) with
    each class's Lovász gradient built from that class's own 0/1 mask, as Berman et al.'s
    lovasz_grad takes it, instead of from the raw labels (docs/semantics.md)."""
    B, C = pred.shape[:2]
    p = pred.reshape(B, C, -1).softmax(1)
    fg = F.one_hot(target.reshape(B, -1).to(torch.int64), num_classes=C).permute(0, 2, 1).to(p.dtype)
    errors_sorted, perm = torch.sort((p - fg).abs(), dim=2, descending=True)
    fg_sorted = fg.gather(2, perm)
    gts = fg_sorted.sum(2, keepdim=True)
    jaccard = 1.0 - (gts - fg_sorted.cumsum(2)) / (gts + (1.0 - fg_sorted).cumsum(2))
    grad = torch.cat([jaccard[..., :1], jaccard[..., 1:] - jaccard[..., :-1]], 2)
    loss_per_class = (errors_sorted * grad).sum(2).mean(0)
    if weight is not None:
        loss_per_class = loss_per_class * weight
    return loss_per_class.mean()


def lovasz_no_ties(x, what):
    """Fixture inputs whose sort has no exact ties (the gradient's order among equal errors is not
    PyTorch's contract: its CPU sort is not stable) and no hinge error exactly 0 (relu's kink)."""
    for row in x.reshape(x.shape[0], -1) if x.dim() > 1 else [x]:
        assert len(set(row.tolist())) == row.numel(), f'{what}: tied errors'


def lovasz_family():
    losses, provenance = lovasz_kornia()
    fam = Family('lovasz')
    rng = np.random.default_rng(22)
    hinge = losses.lovasz_hinge_loss

    def hinge_case(name, x, t, **kw):
        errors = 1.0 - x.reshape(x.shape[0], -1) * (2.0 * t.reshape(t.shape[0], -1) - 1.0)
        lovasz_no_ties(errors, name)
        assert bool((errors != 0).all()), name
        fam.add(f'lovaszHingeLoss/{name}', 'lovaszHingeLoss', [(x, 'float'), (t, 'index')], {}, lambda a, b: hinge(a, b), [0], **kw)

    for N, H, W in [(1, 3, 5), (2, 4, 4), (3, 5, 7), (2, 16, 16), (1, 1, 1), (2, 1, 9)]:
        x = rand(rng, [N, 1, H, W])
        t = torch.tensor(rng.integers(0, 2, size=[N, H, W]))
        hinge_case(f'N{N}x{H}x{W}', x, t)
    x = rand(rng, [2, 1, 4, 5])
    hinge_case('all-background', x, torch.zeros(2, 4, 5, dtype=torch.int64))
    hinge_case('all-foreground', x, torch.ones(2, 4, 5, dtype=torch.int64))
    hinge_case('one-image-empty', x, torch.tensor(np.stack([np.zeros([4, 5]), rng.integers(0, 2, size=[4, 5])]).astype(np.int64)))
    hinge_case('large-logits', rand(rng, [2, 1, 6, 6], -30, 30), torch.tensor(rng.integers(0, 2, size=[2, 6, 6])))
    hinge_case('N2x3x4', rand(rng, [2, 1, 3, 4]), torch.tensor(rng.integers(0, 2, size=[2, 3, 4])))
    hinge_case('empty-image', rand(rng, [2, 1, 0, 3]), torch.zeros(2, 0, 3, dtype=torch.int64))
    # Kornia checks no batch size: its indexing fails (IndexError)
    fam.throws('lovaszHingeLoss/error/batch-size', 'lovaszHingeLoss', [(rand(rng, [1, 1, 2, 3]), 'float'), (torch.zeros(2, 2, 3, dtype=torch.int64), 'index')], {},
               lambda a, b: hinge(a, b))
    fam.throws('lovaszHingeLoss/error/two-channels', 'lovaszHingeLoss', [(rand(rng, [1, 2, 3, 3]), 'float'), (torch.zeros(1, 3, 3, dtype=torch.int64), 'index')], {},
               lambda a, b: hinge(a, b))
    fam.throws('lovaszHingeLoss/error/spatial-size', 'lovaszHingeLoss', [(rand(rng, [1, 1, 3, 3]), 'float'), (torch.zeros(1, 3, 4, dtype=torch.int64), 'index')], {},
               lambda a, b: hinge(a, b))
    fam.throws('lovaszHingeLoss/error/3d-input', 'lovaszHingeLoss', [(rand(rng, [1, 3, 3]), 'float'), (torch.zeros(1, 3, 3, dtype=torch.int64), 'index')], {},
               lambda a, b: hinge(a, b))

    kornia_softmax = losses.lovasz_softmax_loss

    def softmax_case(name, x, t, w=None, kornia=False, **kw):
        B, C = x.shape[:2]
        p = x.reshape(B, C, -1).softmax(1)
        fg = F.one_hot(t.reshape(B, -1), num_classes=C).permute(0, 2, 1).to(p.dtype)
        lovasz_no_ties((p - fg).abs().reshape(B * C, -1), name)
        options = {} if w is None else {'weight': enc_input(w)}
        if kornia:
            # where Kornia's labels-as-mask is the class's mask for every class that counts, its own value
            assert abs(float(kornia_softmax(x, t, w) - lovasz_softmax_per_class(x, t, w))) < 1e-15, name
            fam.add(f'lovaszSoftmaxLoss/{name}', 'lovaszSoftmaxLoss', [(x, 'float'), (t, 'index')], options,
                    lambda a, b, w=w: kornia_softmax(a, b, w), [0], note='Kornia 0.7.4 itself: labels in {0, 1} and weight 0 on class 0, where its labels-as-mask is each counted class\'s own mask', **kw)
            return
        fam.add(f'lovaszSoftmaxLoss/{name}', 'lovaszSoftmaxLoss', [(x, 'float'), (t, 'index')], options,
                lambda a, b, w=w: lovasz_softmax_per_class(a, b, w), [0],
                note='per-class masks (docs/semantics.md): Kornia 0.7.4 takes the raw labels as every class\'s mask', **kw)
        fam.cases[-1]['kornia'] = num(kornia_softmax(x, t, w))

    for N, C, H, W in [(1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 3, 3), (2, 3, 16, 16), (1, 3, 1, 1), (2, 4, 1, 7)]:
        x = rand(rng, [N, C, H, W])
        t = torch.tensor(rng.integers(0, C, size=[N, H, W]))
        softmax_case(f'N{N}C{C}x{H}x{W}', x, t)
        softmax_case(f'N{N}C{C}x{H}x{W}/weight', x, t, f32(rng.uniform(0.1, 2, size=[C])))
    x = rand(rng, [2, 3, 4, 4])
    softmax_case('all-background', x, torch.zeros(2, 4, 4, dtype=torch.int64))
    softmax_case('all-last-class', x, torch.full((2, 4, 4), 2, dtype=torch.int64))
    softmax_case('class-absent', x, torch.tensor(rng.integers(0, 2, size=[2, 4, 4])), f32([0.5, 1.5, 2.0]))
    softmax_case('N2C3x3x3', rand(rng, [2, 3, 3, 3]), torch.tensor(rng.integers(0, 3, size=[2, 3, 3])))
    softmax_case('large-logits', rand(rng, [2, 3, 5, 5], -20, 20), torch.tensor(rng.integers(0, 3, size=[2, 5, 5])))
    # the example: Kornia gives 0.6199 and, with the classes swapped, 0.6900; per-class masks 0.6549 both
    example = f32([[[[0.0, 0.5]], [[0.8, 0.3]]]])
    softmax_case('issue-example', example, torch.tensor([[[0, 1]]]))
    softmax_case('issue-example/classes-swapped', example.flip(1), torch.tensor([[[1, 0]]]))
    for C in (2, 3, 4):
        x = rand(rng, [2, C, 4, 5])
        t = torch.tensor(rng.integers(0, 2, size=[2, 4, 5]))
        w = f32([0.0, 1.0] + [0.0] * (C - 2))
        softmax_case(f'kornia/C{C}/weight-class1', x, t, w, kornia=True)
    x = rand(rng, [3, 2, 3, 3])
    softmax_case('kornia/C2/weight-class1-scaled', x, torch.tensor(rng.integers(0, 2, size=[3, 3, 3])), f32([0.0, 1.75]), kornia=True)
    softmax_case('empty-image', rand(rng, [2, 3, 0, 3]), torch.zeros(2, 0, 3, dtype=torch.int64))
    fam.throws('lovaszSoftmaxLoss/error/one-class', 'lovaszSoftmaxLoss', [(rand(rng, [1, 1, 3, 3]), 'float'), (torch.zeros(1, 3, 3, dtype=torch.int64), 'index')], {},
               lambda a, b: kornia_softmax(a, b))
    fam.throws('lovaszSoftmaxLoss/error/spatial-size', 'lovaszSoftmaxLoss', [(rand(rng, [1, 3, 3, 3]), 'float'), (torch.zeros(1, 3, 2, dtype=torch.int64), 'index')], {},
               lambda a, b: kornia_softmax(a, b))
    w = f32([1.0, 2.0])
    fam.throws('lovaszSoftmaxLoss/error/weight-size', 'lovaszSoftmaxLoss', [(rand(rng, [1, 3, 2, 2]), 'float'), (torch.zeros(1, 2, 2, dtype=torch.int64), 'index')],
               {'weight': enc_input(w)}, lambda a, b: kornia_softmax(a, b, w))

    # the file records where its values come from (the other families' come from PyTorch alone)
    path = os.path.join(OUT, 'lovasz.json')
    fam.write()
    with open(path) as f:
        data = json.load(f)
    data['provenance'] = dict(provenance, note=(
        'lovaszHingeLoss: Kornia itself. lovaszSoftmaxLoss: the per-class formulation above '
        '(lovasz_softmax_per_class), except the cases named kornia/..., which are Kornia itself; each '
        'other case records Kornia\'s own value as "kornia". Evaluated with torch.set_default_dtype(float64), '
        'so Kornia\'s Lovász gradient (built from integer labels, hence in the default dtype) is float64 too; '
        'under the float32 default it is float32 and float64 results move by about 1e-9 relative.'))
    with open(path, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')


FAMILIES = {
    'softmax': softmax_family,
    'cross-entropy': cross_entropy_family,
    'binary-cross-entropy': bce_family,
    'regression': regression_family,
    'cosine-similarity': cosine_family,
    'kl-div': kl_div_family,
    'margin': margin_family,
    'multi-margin': multi_margin_family,
    'focal': focal_family,
    'distance': distance_family,
    'ctc': ctc_family,
    'box-iou': box_iou_family,
    'likelihood': likelihood_family,
    'softmax-focal': softmax_focal_family,  # Kornia (KORNIA_SRC)
    'image-quality': image_quality_family,  # Kornia (KORNIA_SRC)
    'dice': dice_family,
    'lovasz': lovasz_family,
}

if __name__ == '__main__':
    # gen-fixtures.py [family ...]: only those families (default: all)
    import sys
    os.makedirs(OUT, exist_ok=True)
    for name in sys.argv[1:] or FAMILIES:
        FAMILIES[name]()
