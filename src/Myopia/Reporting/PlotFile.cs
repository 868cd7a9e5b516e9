using Myopia.IO;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>Saves ScottPlot figures atomically, at one size and style across the project.</summary>
public static class PlotFile
{
    public const int Width = 900;
    public const int Height = 560;

    public static void Save(Plot plot, string path, int width = Width, int height = Height) =>
        AtomicFile.Write(path, temp => plot.SavePng(temp, width, height));

    /// <summary>Several plots side by side in one PNG (the panels of one figure), each <paramref name="panelWidth"/> wide.</summary>
    public static void SaveRow(IReadOnlyList<Plot> plots, string path, int panelWidth = 560, int height = 460)
    {
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(panelWidth * plots.Count, height));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            using var panel = SkiaSharp.SKBitmap.Decode(plots[i].GetImage(panelWidth, height).GetImageBytes());
            surface.Canvas.DrawBitmap(panel, i * panelWidth, 0);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    /// <summary>Ticks 10^k on an axis that shows log10 of its values.</summary>
    public static ScottPlot.TickGenerators.NumericManual LogTicks(double minLog10, double maxLog10)
    {
        int from = (int)Math.Floor(minLog10), to = (int)Math.Ceiling(maxLog10);
        if (to - from < 1) to = from + 1;
        int step = Math.Max(1, (to - from + 5) / 6);
        return new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, (to - from) / step + 1)
            .Select(i => from + i * step).Select(k => new Tick(k, k is >= -2 and <= 2 ? Math.Pow(10, k).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"1e{k}")).ToArray());
    }

    /// <summary>The palette used for one line per model / run.</summary>
    public static Color Series(int index) => new ScottPlot.Palettes.Category10().GetColor(index);
}
