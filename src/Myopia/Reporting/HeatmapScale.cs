namespace Myopia.Reporting;

/// <summary>How a heatmap grid maps values to colours.</summary>
public enum HeatmapScale
{
    /// <summary>One scale for every image of the grid, so that values can be compared across images.</summary>
    Shared,

    /// <summary>Each image from its own minimum to maximum: shows the structure of weak maps, loses comparability.</summary>
    PerImage,
}
