#!/usr/bin/env python3
"""Train a torchvision-compatible ResNet-18 on CIFAR-10 with the tile study's recipe, in PyTorch.

The weights are saved as a plain state_dict (model.pth) whose names are exactly torchvision's, so
Myopia loads them into its registry model (and torchvision into its own), next to a model-card.json
that carries what is needed to use them again: architecture and options, normalization, class
names, input size, tile side, recipe, metrics and the command that produced them.

    python3 train_cifar10_pytorch.py /work/shared/data/cifar10-jpeg.tar.gz --out runs/pt --limit 512 --tile 16

The data is an ImageFolder tree cifar10/{train,test}/<class>/*.jpg: give the folder (cifar10/ or
the folder holding it) or the .tar.gz, which is then read into memory (no extraction).
Recipe (Madala et al., authors' code): RandomCrop(T, padding=0) -> RandomHorizontalFlip ->
ToTensor -> Normalize; Adam(lr 0.002, weight_decay 1e-4, coupled L2); MultiStepLR stepped per
epoch; batch 128; cross-entropy; seed 42. Evaluation on full, uncropped test images.
"""

import argparse
import io
import json
import os
import sys
import tarfile
import time

import torch
import torchvision
from PIL import Image
from torch import nn
from torchvision import transforms

# ---------------------------------------------------------------- configuration (the study's recipe)
MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.247, 0.243, 0.261)
IMAGE_SIZE = 32
CLASSES = 10
BATCH_SIZE = 128
LEARNING_RATE = 0.002
WEIGHT_DECAY = 1e-4
MILESTONES = [40, 80, 100, 150, 200, 250, 300]
GAMMA = 0.5
SEED = 42

# Each stem keeps torchvision's parameter names: only conv1 changes shape, and Identity (in place
# of the max-pool) has no state.
STEMS = {
    "study": "conv1 = Conv2d(3, 64, 7, stride 1, padding 3, bias False); maxpool = Identity (tile study)",
    "cifar": "conv1 = Conv2d(3, 64, 3, stride 1, padding 1, bias False); maxpool = Identity (common CIFAR ResNet)",
    "imagenet": "torchvision's own: conv1 = Conv2d(3, 64, 7, stride 2, padding 3, bias False); maxpool = MaxPool2d(3, 2, 1)",
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", help="cifar10 ImageFolder tree (cifar10/ or its parent) or cifar10-jpeg.tar.gz")
    p.add_argument("--out", default=".", help="folder for model.pth and model-card.json (default: current folder)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--tile", type=int, default=IMAGE_SIZE, help="side T of the random training crops; 32 = full images")
    p.add_argument("--stem", choices=sorted(STEMS), default="study")
    p.add_argument("--limit", type=int, default=None, help="train on a fixed random subset of N images")
    p.add_argument("--test-limit", type=int, default=None,
                   help="evaluate on a fixed random subset of N test images (default: --limit, else all 10,000)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    if not 1 <= args.tile <= IMAGE_SIZE:
        p.error(f"--tile must be between 1 and {IMAGE_SIZE}")
    return args


# ---------------------------------------------------------------- data
class EncodedImages(torch.utils.data.Dataset):
    """(encoded image bytes, label) pairs from the .tar.gz, decoded on access."""

    def __init__(self, items, classes, transform):
        self.items, self.classes, self.transform = items, classes, transform

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        data, label = self.items[index]
        return self.transform(Image.open(io.BytesIO(data)).convert("RGB")), label


def read_archive(path, transforms_by_split):
    """Both splits of cifar10-jpeg.tar.gz, read into memory in one pass: 55 MB of JPEGs, about
    4 s, where extracting 60,000 small files to disk takes minutes."""
    found = {split: [] for split in transforms_by_split}
    with tarfile.open(path) as archive:
        for member in archive:
            parts = member.name.split("/")
            if member.isfile() and len(parts) >= 3 and parts[-3] in found:
                found[parts[-3]].append((parts[-2], parts[-1], archive.extractfile(member).read()))
    classes = sorted({label for label, _, _ in found["train"]})
    if not classes:
        sys.exit(f"error: no {{train,test}}/<class>/ images in {path}")
    index = {name: i for i, name in enumerate(classes)}
    # ImageFolder's order (class, then file name), so a folder and its archive give the same subsets.
    return [EncodedImages([(data, index[label]) for label, _, data in sorted(found[split], key=lambda f: f[:2])],
                          classes, transforms_by_split[split]) for split in ("train", "test")]


def read_folder(path, transforms_by_split):
    """The ImageFolder tree cifar10/{train,test}/<class>/*.jpg, given as cifar10/ or its parent."""
    for root in (path, os.path.join(path, "cifar10")):
        if all(os.path.isdir(os.path.join(root, split)) for split in transforms_by_split):
            return [torchvision.datasets.ImageFolder(os.path.join(root, split), transform=transforms_by_split[split])
                    for split in ("train", "test")]
    sys.exit(f"error: no train/ and test/ folders in {path} (expected cifar10/{{train,test}}/<class>/*.jpg)")


def subset(dataset, limit, seed):
    if limit is None or limit >= len(dataset):
        return dataset
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))
    return torch.utils.data.Subset(dataset, order[:limit].tolist())


def loaders(path, tile, limit, test_limit):
    normalize = [transforms.ToTensor(), transforms.Normalize(MEAN, STD)]
    transforms_by_split = {
        "train": transforms.Compose([transforms.RandomCrop(tile, padding=0), transforms.RandomHorizontalFlip()] + normalize),
        "test": transforms.Compose(normalize),
    }
    read = read_archive if os.path.isfile(path) else read_folder
    train, test = read(path, transforms_by_split)
    if train.classes != test.classes:
        sys.exit(f"error: train and test classes differ: {train.classes} vs {test.classes}")
    train_loader = torch.utils.data.DataLoader(subset(train, limit, SEED), batch_size=BATCH_SIZE, shuffle=True,
                                               generator=torch.Generator().manual_seed(SEED))
    test_loader = torch.utils.data.DataLoader(subset(test, test_limit, SEED + 1), batch_size=256)
    return train_loader, test_loader, train.classes


# ---------------------------------------------------------------- network
def build_model(stem):
    model = torchvision.models.resnet18(num_classes=CLASSES)
    if stem != "imagenet":
        kernel, padding = (7, 3) if stem == "study" else (3, 1)
        model.conv1 = nn.Conv2d(3, 64, kernel, stride=1, padding=padding, bias=False)
        nn.init.kaiming_normal_(model.conv1.weight, mode="fan_out", nonlinearity="relu")  # as torchvision's init
        model.maxpool = nn.Identity()
    reference = torchvision.models.resnet18(num_classes=CLASSES).state_dict().keys()
    assert list(model.state_dict().keys()) == list(reference), "the stem changed torchvision's parameter names"
    return model


# ---------------------------------------------------------------- training and evaluation
def train_epoch(model, loader, optimizer):
    model.train()
    loss_sum, correct, count = 0.0, 0, 0
    for images, labels in loader:
        optimizer.zero_grad(set_to_none=True)
        logits = model(images)
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        count += len(labels)
    return loss_sum / count, correct / count


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    loss_sum, correct, count = 0.0, 0, 0
    for images, labels in loader:
        logits = model(images)
        loss_sum += nn.functional.cross_entropy(logits, labels, reduction="sum").item()
        correct += (logits.argmax(1) == labels).sum().item()
        count += len(labels)
    return loss_sum / count, correct / count


def write_atomically(path, write):
    temp = f"{path}.tmp{os.getpid()}"
    try:
        write(temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def main():
    args = parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    test_limit = args.test_limit if args.test_limit is not None else args.limit

    if not os.path.exists(args.data):
        sys.exit(f"error: data not found: {args.data}")
    train_loader, test_loader, class_names = loaders(args.data, args.tile, args.limit, test_limit)
    model = build_model(args.stem)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=MILESTONES, gamma=GAMMA)
    history = []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        train_loss, train_accuracy = train_epoch(model, train_loader, optimizer)
        train_seconds = time.perf_counter() - start
        test_loss, test_accuracy = evaluate(model, test_loader)
        schedule.step()
        history.append({"epoch": epoch, "train_loss": train_loss, "train_accuracy": train_accuracy,
                        "test_loss": test_loss, "test_accuracy": test_accuracy,
                        "train_seconds": round(train_seconds, 2)})
        print(f"epoch {epoch}/{args.epochs}: train loss {train_loss:.4f} acc {train_accuracy:.4f}, "
              f"test (full images) loss {test_loss:.4f} acc {test_accuracy:.4f}, {train_seconds:.1f} s", flush=True)

    weights = os.path.join(args.out, "model.pth")
    write_atomically(weights, lambda temp: torch.save(model.state_dict(), temp))
    card = {
        "architecture": "resnet18",
        "options": {"classes": CLASSES, "channels": 3, "stem": args.stem},
        "stem_description": STEMS[args.stem],
        "weights": "model.pth",
        "format": "state_dict (torch.save, torchvision parameter names)",
        "dataset": "cifar10",
        "class_names": class_names,
        "normalization": {"mean": list(MEAN), "std": list(STD)},
        "input_size": [3, IMAGE_SIZE, IMAGE_SIZE],
        "tile": None if args.tile == IMAGE_SIZE else args.tile,
        "train_images": len(train_loader.dataset),
        "test_images": len(test_loader.dataset),
        "epochs": args.epochs,
        "recipe": {"optimizer": "Adam", "lr": LEARNING_RATE, "weight_decay": WEIGHT_DECAY, "batch_size": BATCH_SIZE,
                   "schedule": {"MultiStepLR": {"milestones": MILESTONES, "gamma": GAMMA}},
                   "augmentation": f"RandomCrop({args.tile}, padding=0), RandomHorizontalFlip(0.5)",
                   "loss": "cross_entropy", "seed": SEED, "evaluation": "full test images"},
        "history": history,
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "pytorch": torch.__version__,
        "torchvision": torchvision.__version__,
    }
    write_atomically(os.path.join(args.out, "model-card.json"),
                     lambda temp: open(temp, "w").write(json.dumps(card, indent=2) + "\n"))
    print(f"wrote {weights} and model-card.json")


if __name__ == "__main__":
    main()
