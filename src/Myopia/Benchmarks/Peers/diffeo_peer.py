#!/usr/bin/env python3
"""PyTorch peer of `myopia bench diffeo`: the diffeomorphism lab's arithmetic, the authors' way, timed.

Runs on Debian's PyTorch (apt-get install python3-torch) with Debian's own /usr/bin/python3.

--mode generator: deformed images per second. Random float64 images N x 3 x n x n (standard normal,
  seeded) deformed by the maximum-entropy diffeomorphisms of pcsl-epfl/diffeomorphism diff.py, one
  independent field per image, written here as that code does it:
    scalar_field(n, c): coefficients a_ij ~ N(0, 1) / r_ij with r_ij = sqrt(i^2 + j^2), kept only where
      r_ij < c + 0.5 (the code's cutoff), sines sin(pi k u) on u = linspace(0, 1, n),
      phi = einsum('ij,xi,yj->yx', a, s, s);
    deform(image, T, c): dx = sqrt(T) * n * phi_1, dy = sqrt(T) * n * phi_2 (factor n);
    remap: xn = (x - dx).clamp(0, n - 1), yn = (y - dy).clamp(0, n - 1), bilinear from the floor/ceil
      corners read by integer (advanced) indexing a[..., yf, xf].
  --way per-image calls deform() once per image, as their code does (deform handles one image, all its
  channels, at a time); --way batched draws the fields of a batch with one einsum and gathers them in
  one go (the same arithmetic on B images). T = 4 delta^2 / (pi n^2 ln c). Timed: the fields and the
  warp of every image; the check is the mean over images of ||tau x - x||^2.
--mode fields: untimed, the pixel-averaged E[dx^2] and E[dy^2] of --images fields drawn as deform() draws them.
--mode pass: one layer-wise D/G/R pass ([P2]'s mean estimator) on a network with fresh seeded weights
  in eval mode (running statistics), float64 (--dtype float32 for a check of the framework without
  float64 BLAS): P random uint8 probes, normalised ((x / 255 - mean) / std),
  in chunks of --batch probes; every probe deformed with its own field by deform() (the authors' way,
  one image at a time), matched noise (sigma_p = ||tau x_p - x_p||, eta_p = sigma_p g / ||g||), then the
  network forwarded on the clean, deformed and noisy chunk. Nodes: the input and the output of every
  leaf module but dropout (forward hooks) and of every F.relu the network calls (torch_reference's
  BasicBlock applies its two ReLUs functionally; a traced graph has them as nodes, Myopia's ResNet as
  ReLU modules), in call order. The clean pass keeps a copy of each node's output and adds to
  sum f and sum ||f||^2; the perturbed passes add ||f(tau x) - f(x)||^2 and ||f(x + eta) - f(x)||^2 in
  the hook; den = 2 (mean ||f||^2 - ||mean f||^2) + 1e-10, which equals the mean over all ordered pairs
  of ||f_p - f_q||^2 with the zero diagonal. Timed: everything after the model is built and warmed up.

Networks: resnet18 and resnet9 are imported from shared/peers/torch_reference.py
(--reference), not copied. Prints one JSON line.
"""
import argparse, importlib.util, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- diff.py, as the authors' code has it (one image, or a stack of channels, at a time) ----

def scalar_field_modes(n, m, dtype=torch.float64):
    x = torch.linspace(0, 1, n, dtype=dtype)
    k = torch.arange(1, m + 1, dtype=dtype)
    i, j = torch.meshgrid(k, k, indexing="ij")
    r = (i.pow(2) + j.pow(2)).sqrt()
    e = (r < m + 0.5) / r
    s = torch.sin(math.pi * x[:, None] * k[None, :])
    return e, s


def scalar_field(n, m):
    e, s = scalar_field_modes(n, m)
    c = torch.randn(m, m, dtype=torch.float64) * e
    return torch.einsum("ij,xi,yj->yx", c, s, s)


def remap(a, dx, dy):
    n, m = a.shape[-2:]
    y, x = torch.meshgrid(torch.arange(n, dtype=dx.dtype), torch.arange(m, dtype=dx.dtype), indexing="ij")
    xn = (x - dx).clamp(0, m - 1)
    yn = (y - dy).clamp(0, n - 1)
    xf = xn.floor().long()
    yf = yn.floor().long()
    xc = xn.ceil().long()
    yc = yn.ceil().long()
    xv = xn - xf
    yv = yn - yf
    return (1 - yv) * (1 - xv) * a[..., yf, xf] + (1 - yv) * xv * a[..., yf, xc] + yv * (1 - xv) * a[..., yc, xf] + yv * xv * a[..., yc, xc]


def deform(image, T, cut):
    n = image.shape[-1]
    assert image.shape[-2] == n, "Image(s) should be square."
    u = scalar_field(n, cut)
    v = scalar_field(n, cut)
    dx = T ** 0.5 * u * n
    dy = T ** 0.5 * v * n
    return remap(image, dx, dy)


# ---- the same arithmetic on a batch: B fields from one einsum, one gather ----

def deform_batch(images, T, cut):
    b, ch, n, _ = images.shape
    e, s = scalar_field_modes(n, cut)
    a = torch.randn(b, 2, cut, cut, dtype=torch.float64) * e
    phi = torch.einsum("bkij,xi,yj->bkyx", a, s, s)
    dx = T ** 0.5 * n * phi[:, 0]
    dy = T ** 0.5 * n * phi[:, 1]
    grid = torch.arange(n, dtype=torch.float64)
    xn = (grid.view(1, 1, n) - dx).clamp(0, n - 1)
    yn = (grid.view(1, n, 1) - dy).clamp(0, n - 1)
    flat = images.reshape(b, ch, n * n)

    def read(y, x):
        index = (y * n + x).long().reshape(b, 1, n * n).expand(b, ch, n * n)
        return flat.gather(2, index)

    xf, xc, yf, yc = xn.floor(), xn.ceil(), yn.floor(), yn.ceil()
    xv = (xn - xf).reshape(b, 1, n * n)
    yv = (yn - yf).reshape(b, 1, n * n)
    out = (1 - yv) * (1 - xv) * read(yf, xf) + (1 - yv) * xv * read(yf, xc) + yv * (1 - xv) * read(yc, xf) + yv * xv * read(yc, xc)
    return out.view(b, ch, n, n)


def temperature(delta, n, cut):
    return 4 * delta ** 2 / (math.pi * n ** 2 * math.log(cut))


def matched_noise(x, tx):
    sigma = (tx - x).flatten(1).norm(dim=1)
    g = torch.randn_like(x).flatten(1)
    return (g / g.norm(dim=1, keepdim=True) * sigma[:, None]).view_as(x)


def build(name, classes, reference):
    if not reference:
        raise SystemExit(f"{name} comes from torch_reference.py: pass --reference")
    spec = importlib.util.spec_from_file_location("torch_reference", reference)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, getattr(module, name)(classes)


class Nodes:
    """Forward hooks on every leaf module but dropout, and F.relu of the network's module, feeding [P2]'s mean estimator."""

    def __init__(self, model, module):
        self.phase = "clean"
        self.k = 0
        self.kept, self.sum, self.sq, self.d, self.g, self.count, self.names = [], [], [], [], [], [], []
        for name, m in model.named_modules():
            if len(list(m.children())) == 0 and not isinstance(m, (nn.Dropout, nn.Dropout2d)):
                m.register_forward_hook(lambda mod, inp, out, name=name: self.observe(name or type(mod).__name__, out))
        functional = F
        nodes = self

        class CountingF:
            def __getattr__(self, attr):
                return getattr(functional, attr)

            @staticmethod
            def relu(x, inplace=False):
                out = functional.relu(x, inplace=inplace)
                nodes.observe("F.relu", out)
                return out

        module.F = CountingF()

    def begin(self, phase):
        self.phase, self.k = phase, 0

    def observe(self, name, out):
        f = out.detach().flatten(1)
        k = self.k
        self.k += 1
        if self.phase == "clean":
            if k == len(self.names):
                self.names.append(name)
                self.sum.append(torch.zeros(f.shape[1], dtype=torch.float64))
                self.sq.append(0.0); self.d.append(0.0); self.g.append(0.0); self.count.append(0)
                self.kept.append(None)
            self.kept[k] = f.clone()
            self.sum[k] += f.sum(0).double()
            self.sq[k] += float(f.square().sum())
            self.count[k] += f.shape[0]
        elif self.phase == "deformed":
            self.d[k] += float((f - self.kept[k]).square().sum())
        else:
            self.g[k] += float((f - self.kept[k]).square().sum())

    def reset(self):
        self.__init_sums()

    def __init_sums(self):
        self.kept, self.sum, self.sq, self.d, self.g, self.count, self.names = [], [], [], [], [], [], []

    def results(self):
        out = []
        for k in range(len(self.names)):
            p = self.count[k]
            den = 2 * (self.sq[k] / p - float(self.sum[k].square().sum()) / p ** 2) + 1e-10
            D, G = self.d[k] / p / den, self.g[k] / p / den
            out.append((D, G, D / G if G > 0 else float("nan")))
        return out


def input_node(x, tx, xn, acc):
    f = x.flatten(1).double()
    acc["sum"] += f.sum(0)
    acc["sq"] += float(f.square().sum())
    acc["d"] += float((tx - x).square().sum())
    acc["g"] += float((xn - x).square().sum())
    acc["p"] += f.shape[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=("generator", "pass", "fields"), default="generator")
    p.add_argument("--way", choices=("per-image", "batched"), default="per-image", help="generator: deform() per image, or batched")
    p.add_argument("--model", default="resnet18", choices=("resnet18", "resnet9"))
    p.add_argument("--reference", default="", help="path of shared/peers/torch_reference.py")
    p.add_argument("--tile", type=int, default=32, help="image side n")
    p.add_argument("--images", type=int, default=1000, help="generator: images deformed per timed run")
    p.add_argument("--probes", type=int, default=500, help="pass: probe images P")
    p.add_argument("--batch", type=int, default=100, help="generator: images per batch; pass: probes per chunk")
    p.add_argument("--delta", type=float, default=1.0)
    p.add_argument("--cutoff", type=int, default=3)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="pass: network and probes (the authors: float64)")
    p.add_argument("--mean", type=float, nargs=3, default=[0.5, 0.5, 0.5])
    p.add_argument("--std", type=float, nargs=3, default=[0.25, 0.25, 0.25])
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    n, T = a.tile, temperature(a.delta, a.tile, a.cutoff)
    line = {"peer": "pytorch", "torch": torch.__version__, "mode": a.mode, "tile": n, "batch": a.batch,
            "delta": a.delta, "cutoff": a.cutoff, "temperature": T}

    if a.mode == "fields":
        # Displacement statistics of --images fields drawn as deform() draws them (untimed): pixel-averaged E[dx^2], E[dy^2].
        sx = sy = 0.0
        for _ in range(a.images):
            dx = T ** 0.5 * scalar_field(n, a.cutoff) * n
            dy = T ** 0.5 * scalar_field(n, a.cutoff) * n
            sx += float(dx.square().mean())
            sy += float(dy.square().mean())
        line.update({"images": a.images, "seconds": 0.0, "mean_dx2": sx / a.images, "mean_dy2": sy / a.images})
    elif a.mode == "generator":
        images = torch.randn(a.images, 3, n, n, dtype=torch.float64)

        def run(x):
            total = 0.0
            for s in range(0, x.shape[0], a.batch):
                part = x[s:s + a.batch]
                if a.way == "per-image":
                    out = torch.stack([deform(img, T, a.cutoff) for img in part])
                else:
                    out = deform_batch(part, T, a.cutoff)
                total += float((out - part).square().sum())
            return total / x.shape[0]

        run(images[:min(a.batch, a.images)])  # warm-up
        t = time.perf_counter()
        check = run(images)
        seconds = time.perf_counter() - t
        line.update({"way": a.way, "images": a.images, "seconds": round(seconds, 4),
                     "images_per_s": round(a.images / seconds, 1), "check": check})
    else:
        module, model = build(a.model, a.classes, a.reference)
        dtype = torch.float64 if a.dtype == "float64" else torch.float32
        model = model.to(dtype).eval()
        nodes = Nodes(model, module)
        pixels = torch.randint(0, 256, (a.probes, 3, n, n), dtype=torch.uint8)
        mean = torch.tensor(a.mean, dtype=torch.float64).view(1, 3, 1, 1)
        std = torch.tensor(a.std, dtype=torch.float64).view(1, 3, 1, 1)

        def run(px):
            nodes.reset()
            acc = {"sum": torch.zeros(3 * n * n, dtype=torch.float64), "sq": 0.0, "d": 0.0, "g": 0.0, "p": 0}
            for s in range(0, px.shape[0], a.batch):
                x = ((px[s:s + a.batch].double() / 255 - mean) / std).to(dtype)
                tx = torch.stack([deform(img, T, a.cutoff) for img in x]).to(dtype)
                xn = x + matched_noise(x, tx)
                input_node(x, tx, xn, acc)
                nodes.begin("clean"); model(x)
                nodes.begin("deformed"); model(tx)
                nodes.begin("noisy"); model(xn)
            P = acc["p"]
            den = 2 * (acc["sq"] / P - float(acc["sum"].square().sum()) / P ** 2) + 1e-10
            return [(acc["d"] / P / den, acc["g"] / P / den, acc["d"] / acc["g"])] + nodes.results()

        with torch.no_grad():
            run(pixels[:min(a.probes, max(2, min(a.batch, 8)))])  # warm-up
            t = time.perf_counter()
            result = run(pixels)
            seconds = time.perf_counter() - t
        line.update({"model": a.model, "dtype": a.dtype, "probes": a.probes, "seconds": round(seconds, 4),
                     "probes_per_s": round(a.probes / seconds, 2), "nodes": len(result),
                     "r_input": result[0][2], "r_output": result[-1][2], "d_output": result[-1][0], "g_output": result[-1][1],
                     "params": sum(q.numel() for q in model.parameters())})
    line["threads"] = torch.get_num_threads()
    print(json.dumps(line))


if __name__ == "__main__":
    main()
