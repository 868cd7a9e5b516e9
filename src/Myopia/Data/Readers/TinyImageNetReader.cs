using static TorchSharp.torch;

namespace Myopia.Data.Readers;

/// <summary>
/// Tiny-ImageNet-200: class ids in <c>wnids.txt</c> (index = line order), training images in
/// <c>train/&lt;wnid&gt;/images/</c>, validation images in <c>val/images/</c> labelled by
/// <c>val/val_annotations.txt</c> (tab-separated: file, wnid, box). 64x64 JPEG, some grayscale.
/// </summary>
public static class TinyImageNetReader
{
    public static (ImageDataset Train, ImageDataset Val) Read(string root)
    {
        var wnidsPath = Path.Combine(root, "wnids.txt");
        if (!File.Exists(wnidsPath)) throw new MyopiaException($"{root}: missing wnids.txt (not a tiny-imagenet-200 folder)");
        var wnids = File.ReadAllLines(wnidsPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var index = wnids.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => (long)p.i);
        var train = new List<(string Path, long Label)>();
        foreach (var wnid in wnids)
        {
            var dir = Path.Combine(root, "train", wnid, "images");
            if (!Directory.Exists(dir)) throw new MyopiaException($"{root}: missing train/{wnid}/images");
            train.AddRange(Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => (f, index[wnid])));
        }
        var annotations = Path.Combine(root, "val", "val_annotations.txt");
        if (!File.Exists(annotations)) throw new MyopiaException($"{root}: missing val/val_annotations.txt");
        var val = new List<(string Path, long Label)>();
        foreach (var line in File.ReadAllLines(annotations).Where(l => l.Length > 0))
        {
            var parts = line.Split('\t');
            if (parts.Length < 2 || !index.TryGetValue(parts[1], out var label))
                throw new MyopiaException($"{annotations}: bad line '{line}'");
            val.Add((Path.Combine(root, "val", "images", parts[0]), label));
        }
        return (Decode(train, "tiny-imagenet/train", wnids), Decode(val, "tiny-imagenet/val", wnids));
    }

    private static ImageDataset Decode(List<(string Path, long Label)> files, string name, string[] classNames)
    {
        if (files.Count == 0) throw new MyopiaException($"{name}: no images");
        var first = ImageDecoder.DecodeRgb(File.ReadAllBytes(files[0].Path), files[0].Path);
        int h = first.Height, w = first.Width, size = 3 * h * w;
        var pixels = new byte[(long)files.Count * size];
        Parallel.For(0, files.Count, i =>
        {
            if (!File.Exists(files[i].Path)) throw new MyopiaException($"missing image {files[i].Path}");
            var (data, ih, iw) = ImageDecoder.DecodeRgb(File.ReadAllBytes(files[i].Path), files[i].Path);
            if (ih != h || iw != w) throw new MyopiaException($"{files[i].Path}: {ih}x{iw}, expected {h}x{w}");
            Buffer.BlockCopy(data, 0, pixels, i * size, size);
        });
        return new ImageDataset(name, tensor(pixels).view(files.Count, 3, h, w), tensor(files.Select(f => f.Label).ToArray()), classNames);
    }
}
