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

    /// <summary>The palette used for one line per model / run.</summary>
    public static Color Series(int index) => new ScottPlot.Palettes.Category10().GetColor(index);
}
