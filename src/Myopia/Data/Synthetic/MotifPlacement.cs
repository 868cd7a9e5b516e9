namespace Myopia.Data.Synthetic;

/// <summary>Where a motif was painted: top-left corner, and which motif (class variant, or distractor when <see cref="IsDistractor"/>).</summary>
public readonly record struct MotifPlacement(int Top, int Left, int Motif, bool IsDistractor);
