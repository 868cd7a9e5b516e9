using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>
/// The smallest input side each registry network declares (ModelInfo.MinimumInputSide, per stem, plain and antialiased) is
/// the smallest side a forward pass really accepts: it runs at the minimum and fails one pixel below.
/// </summary>
public class MinimumInputSideTests
{
    public static TheoryData<string, string?, int> Architectures()
    {
        var data = new TheoryData<string, string?, int>();
        foreach (var info in ModelRegistry.All)
        foreach (int antialias in new[] { 0, 7 })
        {
            if (info.Stems.Count == 0) data.Add(info.Name, null, antialias);
            foreach (var stem in info.Stems) data.Add(info.Name, StemNames.Name(stem.Stem), antialias);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void DeclaredMinimumIsTheSmallestSideThatRuns(string name, string? stemName, int antialias)
    {
        Stem? stem = stemName is null ? null : StemNames.Parse(stemName);
        int minimum = ModelRegistry.Info(name).MinimumInputSideWith(stem, antialias);
        using var model = ModelRegistry.Create(name, new ModelOptions(3, 3, stem, antialias));
        model.eval();
        Assert.True(Runs(model, minimum), $"{name} ({stemName ?? "default"}, antialias {antialias}) does not run at its declared minimum side {minimum}");
        Assert.False(Runs(model, minimum - 1), $"{name} ({stemName ?? "default"}, antialias {antialias}) also runs at side {minimum - 1}, below its declared minimum {minimum}");
    }

    private static bool Runs(nn.Module<Tensor, Tensor> model, int side)
    {
        if (side < 1) return false;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        try
        {
            var logits = model.call(randn(1, 3, side, side));
            return logits.shape is [1, 3] && logits.isfinite().all().item<bool>();
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException or MyopiaException)
        {
            return false;
        }
    }
}
