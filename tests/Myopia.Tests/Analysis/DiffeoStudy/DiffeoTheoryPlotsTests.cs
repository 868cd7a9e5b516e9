using Myopia.Analysis.DiffeoStudy;
using Myopia.Reporting;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>The theory figures are written as PNGs, and the spectra figure refuses mismatched layer lists.</summary>
public class DiffeoTheoryPlotsTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    [Fact]
    public void PoolingFiguresArePngs()
    {
        var dir = Directory.CreateTempSubdirectory("myopia-diffeo-theory-").FullName;
        try
        {
            foreach (var options in new[] { new IdealPoolingOptions(3, 1, 12, 60), new IdealPoolingOptions(2, 2, 5, 64) })
            {
                var path = Path.Combine(dir, $"pooling-{options.Stride}.png");
                DiffeoTheoryPlots.Pooling(IdealPoolingNetwork.Run(options), path);
                Assert.Equal(PngSignature, File.ReadAllBytes(path).Take(4));
                Assert.True(new FileInfo(path).Length > 10_000);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FilterSpectraFigureIsAPngAndNeedsMatchingLayers()
    {
        var dir = Directory.CreateTempSubdirectory("myopia-diffeo-theory-").FullName;
        try
        {
            using var scope = NewDisposeScope();
            var init = nn.Sequential(("features.0", nn.Conv2d(3, 8, 3)), ("features.2", nn.Conv2d(8, 8, 3)));
            var trained = nn.Sequential(("features.0", nn.Conv2d(3, 8, 3)), ("features.2", nn.Conv2d(8, 8, 3)));
            using (no_grad()) ((TorchSharp.Modules.Conv2d)trained[0]).weight!.add_(0.3);   // drift towards the constant mode
            var path = Path.Combine(dir, "spectra.png");
            DiffeoTheoryPlots.FilterSpectra(FilterSpectra.Measure(trained), "test", path, FilterSpectra.Measure(init));
            Assert.Equal(PngSignature, File.ReadAllBytes(path).Take(4));
            var alone = Path.Combine(dir, "spectra-trained.png");
            DiffeoTheoryPlots.FilterSpectra(FilterSpectra.Measure(trained), "test", alone);
            Assert.True(new FileInfo(alone).Length > 5_000);
            Assert.Throws<ArgumentException>(() => DiffeoTheoryPlots.FilterSpectra(FilterSpectra.Measure(trained), "t", path, FilterSpectra.Measure(init).Take(1).ToList()));
        }
        finally { Directory.Delete(dir, true); }
    }
}
