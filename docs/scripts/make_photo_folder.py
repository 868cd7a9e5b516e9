#!/usr/bin/env python3
"""Builds an ImageNet-style folder of photos from the CIFAR-10 JPEG ImageFolder archive by upscaling.

Usage: /usr/bin/python3 make_photo_folder.py CIFAR10_JPEG_TAR_GZ OUT_DIR [TRAIN_COUNT] [TEST_COUNT]

Train images are 500x375 JPEGs (the issue's memory benchmark size); test images take mixed sizes and
aspect ratios (500x375, 375x500, 640x480, 320x320, 333x517), a few grayscale, so the loader's resize and
crop have real work. Upscaling is PIL bicubic; JPEG quality 90. Classes keep CIFAR-10's folder names.
"""
import io, os, sys, tarfile
from PIL import Image

src, out = sys.argv[1], sys.argv[2]
train_count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
test_count = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
test_sizes = [(500, 375), (375, 500), (640, 480), (320, 320), (333, 517)]
taken = {"train": 0, "test": 0}
wanted = {"train": train_count, "test": test_count}
per_class = {s: wanted[s] // 10 for s in wanted}
counts = {}
with tarfile.open(src, "r:gz") as tar:
    for member in tar:
        if not member.isfile() or not member.name.endswith(".jpg"):
            continue
        parts = member.name.split("/")
        split, cls = parts[-3], parts[-2]
        if split not in wanted or counts.get((split, cls), 0) >= per_class[split]:
            continue
        k = counts.get((split, cls), 0)
        counts[(split, cls)] = k + 1
        img = Image.open(io.BytesIO(tar.extractfile(member).read())).convert("RGB")
        size = (500, 375) if split == "train" else test_sizes[k % len(test_sizes)]
        img = img.resize(size, Image.BICUBIC)
        if split == "test" and k % 17 == 0:
            img = img.convert("L")
        folder = os.path.join(out, split, cls)
        os.makedirs(folder, exist_ok=True)
        img.save(os.path.join(folder, f"{k:05d}.jpg"), "JPEG", quality=90)
        taken[split] += 1
        if taken[split] % 2000 == 0:
            print(f"{split}: {taken[split]}", flush=True)
        if all(taken[s] >= per_class[s] * 10 for s in wanted):
            break
print(taken)
