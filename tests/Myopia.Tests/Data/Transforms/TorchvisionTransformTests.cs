using System.Text.Json;
using Myopia.Data.Formats;
using Myopia.Data.Transforms;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Data.Transforms;

/// <summary>
/// The photo pipeline against torchvision on PIL images, the way an ImageFolder user evaluates
/// (<c>Image.open(p).convert("RGB")</c>, Resize, CenterCrop, resized_crop). Photos of mixed sizes and
/// aspect ratios, RGB, grayscale, RGBA and palette PNGs and RGB/grayscale JPEGs, are written by PIL in the
/// test. Every pixel must be equal, JPEG included: Skia and PIL both decode with libjpeg-turbo's
/// default (islow IDCT, fancy upsampling), and the resampling is Pillow's own fixed-point arithmetic.
/// </summary>
public class TorchvisionTransformTests
{
    // The photos: name, PIL mode, width, height, format.
    private static readonly (string Name, string Mode, int Width, int Height, string Format)[] Photos =
    [
        ("rgb.png", "RGB", 500, 375, "PNG"),
        ("portrait.png", "RGB", 333, 517, "PNG"),
        ("gray.png", "L", 401, 299, "PNG"),
        ("rgba.png", "RGBA", 240, 320, "PNG"),
        ("palette.png", "P", 300, 300, "PNG"),
        ("small.png", "RGB", 150, 97, "PNG"),
        ("photo.jpg", "RGB", 640, 427, "JPEG"),
        ("gray.jpg", "L", 375, 500, "JPEG"),
    ];

    private static readonly (int Left, int Top, int Width, int Height)[] Boxes = [(0, 0, 100, 80), (37, 11, 143, 61), (5, 9, 60, 140)];

    private const string Script = """
        from PIL import Image
        import torchvision.transforms as T
        import torchvision.transforms.functional as F
        from torchvision.transforms import InterpolationMode as IM
        spec = json.load(open(out("spec.json")))
        rng = np.random.default_rng(7)
        for name, mode, w, h, fmt in spec["photos"]:
            # Smooth gradients plus texture: a photo's mix of flat and busy regions.
            yy, xx = np.mgrid[0:h, 0:w]
            base = np.stack([(xx * 255 / w), (yy * 255 / h), ((xx + yy) * 127 / (w + h))], -1)
            noise = rng.integers(0, 64, (h, w, 3))
            rgb = np.clip(base + noise, 0, 255).astype(np.uint8)
            img = Image.fromarray(rgb, "RGB")
            if mode == "L": img = img.convert("L")
            elif mode == "RGBA":
                a = np.clip(xx * 255 / w, 0, 255).astype(np.uint8)
                img = Image.fromarray(np.dstack([rgb, a]), "RGBA")
            elif mode == "P": img = img.convert("P", palette=Image.ADAPTIVE, colors=64)
            img.save(out(name), fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        for name, *_ in spec["photos"]:
            img = Image.open(out(name)).convert("RGB")   # torchvision's pil_loader
            def save(tag, im):
                a = np.asarray(im, dtype=np.uint8)
                open(out(f"{name}.{tag}.bin"), "wb").write(np.ascontiguousarray(a.transpose(2, 0, 1)).tobytes())
                json.dump(list(a.shape), open(out(f"{name}.{tag}.json"), "w"))
            save("decoded", img)
            for interp in ["nearest", "bilinear", "bicubic", "box", "hamming", "lanczos"]:
                mode_ = getattr(IM, interp.upper())
                save(f"eval-{interp}", T.Compose([T.Resize(256, interpolation=mode_), T.CenterCrop(224)])(img))
            save("resize-100", T.Resize(100)(img))
            save("crop-only", T.CenterCrop(224)(img))
            for k, (l, t, bw, bh) in enumerate(spec["boxes"]):
                save(f"box{k}", F.resized_crop(img, t, l, bh, bw, [96, 96], interpolation=IM.BILINEAR))
        """;

    [PyTorchFact]
    public void Transforms_equal_torchvision_on_PIL_images()
    {
        var spec = new
        {
            photos = Photos.Select(p => new object[] { p.Name, p.Mode, p.Width, p.Height, p.Format }).ToArray(),
            boxes = Boxes.Select(b => new[] { b.Left, b.Top, b.Width, b.Height }).ToArray(),
        };
        using var reference = PyTorchReference.Run("""
            import shutil
            """ + "\n" + Script.Replace("spec = json.load(open(out(\"spec.json\")))", "spec = json.loads(" + JsonSerializer.Serialize(JsonSerializer.Serialize(spec)) + ")"));
        var worst = new List<string>();
        foreach (var photo in Photos)
        {
            var decoded = ImageDecoder.DecodePlanar(photo.Name, File.ReadAllBytes(reference.File(photo.Name)));
            const int tolerance = 0;
            Check(photo.Name, "decoded", decoded, tolerance);
            foreach (var mode in Enum.GetValues<Interpolation>())
                Check(photo.Name, $"eval-{Interpolations.Name(mode)}", new ImagePipeline(256, 224, mode).Evaluate(decoded), tolerance);
            Check(photo.Name, "resize-100", new ImagePipeline(100, null).Evaluate(decoded), tolerance);
            Check(photo.Name, "crop-only", ImagePipeline.CenterCrop(decoded, 224), tolerance);
            for (int k = 0; k < Boxes.Length; k++)
            {
                var (l, t, w, h) = Boxes[k];
                Check(photo.Name, $"box{k}", PillowResampler.Resize(decoded.Crop(l, t, w, h), 96, 96, Interpolation.Bilinear), tolerance);
            }
        }

        void Check(string name, string tag, PlanarImage mine, int tolerance)
        {
            var shape = JsonSerializer.Deserialize<int[]>(File.ReadAllText(reference.File($"{name}.{tag}.json")))!;
            Assert.True((mine.Height, mine.Width) == (shape[0], shape[1]), $"{name} {tag}: {mine.Width}x{mine.Height}, torchvision {shape[1]}x{shape[0]}");
            var expected = File.ReadAllBytes(reference.File($"{name}.{tag}.bin"));
            int max = 0, differing = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                int d = Math.Abs(expected[i] - mine.Pixels[i]);
                if (d > 0) differing++;
                max = Math.Max(max, d);
            }
            Assert.True(max <= tolerance, $"{name} {tag}: {differing:N0} of {expected.Length:N0} values differ, by up to {max} (tolerance {tolerance})");
        }
    }
}
