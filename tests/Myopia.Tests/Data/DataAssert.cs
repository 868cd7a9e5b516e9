using Myopia.Data;

namespace Myopia.Tests.Data;

/// <summary>Checks loaded tensors against the values <see cref="OfficialFormatFiles"/> wrote.</summary>
public static class DataAssert
{
    /// <summary>Every pixel of <paramref name="data"/> equals Pixel(imageId(i), c, y, x) (channel 0 for every c when <paramref name="grayToRgb"/>).</summary>
    public static void PixelsAre(ImageDataset data, Func<int, int> imageId, bool grayToRgb = false)
    {
        var actual = data.Images.contiguous().data<byte>().ToArray();
        int n = data.Count, ch = data.Channels, h = data.Height, w = data.Width;
        for (var i = 0; i < n; i++)
            for (var c = 0; c < ch; c++)
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                    {
                        var expected = OfficialFormatFiles.Pixel(imageId(i), grayToRgb ? 0 : c, y, x);
                        var got = actual[((i * ch + c) * h + y) * w + x];
                        if (got != expected)
                            Assert.Fail($"pixel (image {i}, channel {c}, row {y}, col {x}) is {got}, expected {expected}");
                    }
    }

    public static long[] Labels(ImageDataset data) => data.Labels.data<long>().ToArray();
}
