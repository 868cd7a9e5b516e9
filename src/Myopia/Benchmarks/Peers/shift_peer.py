#!/usr/bin/env python3
"""PyTorch peer of `myopia bench shift`: Azulay & Weiss's embedding protocol, timed.

Runs on Debian's PyTorch (apt-get install python3-torch) with Debian's own /usr/bin/python3.
Does the arithmetic of Myopia's ShiftSensitivity on `azulay-black`, in PyTorch:
  random uint8 images N x 3 x W x W (seeded), each resized to d x d (bilinear, antialiased when
  shrinking, align_corners=False) and pasted on a black W x W canvas at (c, c) for nine consecutive c
  (c0 = floor((W - d - 1) / 2), c0 - 4 .. c0 + 4 moved inside the canvas: 0..8 for d = 24 on 32);
  views normalised ((x / 255 - mean) / std), the network in eval mode under torch.no_grad, softmax;
  P(top-1 change) and MAC (|p_k(x) - p_k(Tx)|, k the first view's top-1 class) over the eight
  consecutive pairs of each image.
Chunks of max(1, batch // views) images are built at a time and their views go through the network
in forward passes of at most --batch views, as ShiftSensitivity does; --batch 1 is the anchor's way
(Azulay's CheckTranslationInvariance.py runs one view per forward pass).

Networks: vggsmall is defined here, layer for layer as src/Myopia/Models/VggSmall.cs; resnet18 and
resnet9 are imported from shared/peers/torch_reference.py (--reference), not copied.
Timing covers building views, normalising, the forward passes, softmax and the tally, after one
untimed warm-up chunk. Prints one JSON line, e.g.
  {"peer": "pytorch", "torch": "1.13.0", "model": "vggsmall", "tile": 32, "embed": 24, "images": 64,
   "views": 9, "pairs": 512, "batch": 512, "seconds": 0.41, "pairs_per_s": 1248.8,
   "p_change": 0.21, "mac": 0.03, "params": 288746, "threads": 2}
"""
import argparse, importlib.util, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class VggSmall(nn.Module):
    """Three stages of [3x3 conv (no bias), BN, ReLU] x 2 and a 2x2 max pool, widths 32, 64, 128; mean over H, W; linear."""

    def __init__(self, classes, channels=3):
        super().__init__()
        layers, cin = [], channels
        for width in (32, 64, 128):
            for _ in range(2):
                layers += [nn.Conv2d(cin, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
                cin = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(cin, classes)

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))


MODELS = ("vggsmall", "resnet18", "resnet9")


def build(name, classes, reference):
    if name == "vggsmall":
        return VggSmall(classes)
    if not reference:
        raise SystemExit(f"{name} comes from torch_reference.py: pass --reference")
    spec = importlib.util.spec_from_file_location("torch_reference", reference)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)(classes)


def diagonal(room, wanted=9):
    """Nine consecutive diagonal positions from floor((room - 1) / 2) - 4, inside [0, room] (ShiftCondition.Diagonal)."""
    count = min(wanted, room + 1)
    c0 = math.floor((room - 1) / 2)
    start = min(max(c0 - 4, 0), room - (count - 1))
    return start, count


def views(pixels, d):
    """uint8 N x C x W x W -> float N x T x C x W x W in [0, 255]: the image at d x d on black at (c, c)."""
    n, ch, h, w = pixels.shape
    x = pixels.float()
    small = x.clone() if d == h else F.interpolate(x, size=(d, d), mode="bilinear", align_corners=False, antialias=d < h)
    start, count = diagonal(min(h, w) - d)
    canvas = torch.zeros(n, count, ch, h, w)
    for k, c in enumerate(range(start, start + count)):
        canvas[:, k, :, c:c + d, c:c + d] = small
    return canvas


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="vggsmall", choices=MODELS)
    p.add_argument("--reference", default="", help="path of shared/peers/torch_reference.py (resnet18, resnet9)")
    p.add_argument("--tile", type=int, default=32, help="image side W")
    p.add_argument("--embed", type=int, default=24, help="embedded side d")
    p.add_argument("--images", type=int, default=64)
    p.add_argument("--batch", type=int, default=512, help="views per forward pass; 1: the anchor's way")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mean", type=float, nargs=3, default=[0.5, 0.5, 0.5])
    p.add_argument("--std", type=float, nargs=3, default=[0.25, 0.25, 0.25])
    a = p.parse_args()
    if not 1 <= a.embed <= a.tile:
        raise SystemExit(f"--embed must be in 1..{a.tile}")
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = build(a.model, a.classes, a.reference).eval()
    images = torch.randint(0, 256, (a.images, 3, a.tile, a.tile), dtype=torch.uint8)
    mean = torch.tensor(a.mean).view(1, 3, 1, 1)
    std = torch.tensor(a.std).view(1, 3, 1, 1)
    t_views = diagonal(a.tile - a.embed)[1]
    chunk = max(1, a.batch // t_views)

    def measure(pixels):
        pairs = changed = 0
        absolute = 0.0
        for s in range(0, pixels.shape[0], chunk):
            part = pixels[s:s + chunk]
            n = part.shape[0]
            flat = views(part, a.embed).reshape(n * t_views, 3, a.tile, a.tile)
            outputs = []
            for b in range(0, flat.shape[0], a.batch):
                batch = (flat[b:b + a.batch] / 255 - mean) / std
                outputs.append(model(batch).softmax(1))
            prob = torch.cat(outputs).view(n, t_views, -1).double()
            first, second = prob[:, :-1], prob[:, 1:]
            k1 = first.argmax(2, keepdim=True)
            k2 = second.argmax(2, keepdim=True)
            pairs += k1.numel()
            changed += int(k1.ne(k2).sum())
            absolute += float((first.gather(2, k1) - second.gather(2, k1)).abs().sum())
        return pairs, changed, absolute

    with torch.no_grad():
        measure(images[:chunk])  # warm-up
        t = time.perf_counter()
        pairs, changed, absolute = measure(images)
        seconds = time.perf_counter() - t
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "model": a.model, "tile": a.tile, "embed": a.embed,
                      "images": a.images, "views": t_views, "pairs": pairs, "batch": a.batch,
                      "seconds": round(seconds, 4), "pairs_per_s": round(pairs / seconds, 1),
                      "p_change": changed / pairs, "mac": absolute / pairs,
                      "params": sum(q.numel() for q in model.parameters()), "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
