#!/usr/bin/env python3
"""PyTorch peer of `myopia bench data`: photo decoding throughput of torchvision's ImageFolder pipeline, timed.

Runs on Debian's PyTorch (apt-get install python3-torch python3-torchvision) with Debian's own /usr/bin/python3.
Reads <root>/<split> as torchvision users do:
  datasets.ImageFolder(root/split, transform=Compose([Resize(resize, interpolation), CenterCrop(crop), PILToTensor()]))
(ImageFolder's pil_loader opens each file with PIL and converts it to RGB), takes the Subset of N evenly
spaced images (index i * len // N, as `myopia bench data` reads them) and iterates a
DataLoader(batch_size=B, num_workers=W, shuffle=False) over it.
Timing covers the whole iteration, worker start-up included (the workers are forked when the
iteration begins, as in every epoch of a training loop without persistent_workers), and the checksum
of every batch; building the ImageFolder index (listing the files) is not timed, as Myopia's loading is not.
The checksum is the sum of every pixel value (uint8, summed as int64): equal to Myopia's when both
decode, resize and crop the same pixels. Prints one JSON line, e.g.
  {"peer": "pytorch", "torch": "1.13.0", "torchvision": "0.14.1", "images": 1000, "split_images": 2000,
   "batch": 64, "workers": 2, "seconds": 9.81, "images_per_s": 101.9, "checksum": 14529184530}
"""
import argparse, json, os, time
import torch
from torch.utils.data import DataLoader, Subset
import torchvision
from torchvision import datasets, transforms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True, help="the ImageFolder's root, holding <split>/<class>/*")
    p.add_argument("--split", default="test")
    p.add_argument("--images", type=int, default=1000, help="evenly spaced images of the split")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--workers", type=int, default=2, help="DataLoader worker processes (0: the main process decodes)")
    p.add_argument("--resize", type=int, default=256, help="the shorter side after resizing")
    p.add_argument("--crop", type=int, default=224, help="the side of the center crop")
    p.add_argument("--interpolation", default="bilinear", help="a torchvision InterpolationMode name")
    a = p.parse_args()
    mode = transforms.InterpolationMode[a.interpolation.upper()]
    transform = transforms.Compose([transforms.Resize(a.resize, mode), transforms.CenterCrop(a.crop), transforms.PILToTensor()])
    folder = datasets.ImageFolder(os.path.join(a.root, a.split), transform=transform)
    n = min(a.images, len(folder))
    subset = Subset(folder, [i * len(folder) // n for i in range(n)])
    loader = DataLoader(subset, batch_size=a.batch, num_workers=a.workers, shuffle=False)

    checksum = images = 0
    t = time.perf_counter()
    for pixels, _ in loader:
        checksum += int(pixels.sum(dtype=torch.int64))
        images += pixels.shape[0]
    seconds = time.perf_counter() - t
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "torchvision": torchvision.__version__,
                      "images": images, "split_images": len(folder), "batch": a.batch, "workers": a.workers, "seconds": round(seconds, 4),
                      "images_per_s": round(images / seconds, 2), "checksum": checksum}))


if __name__ == "__main__":
    main()
