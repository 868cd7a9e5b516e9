namespace Myopia.Data;

/// <summary>A loaded dataset with where it came from: the format detected, the folder/archive read, and whether the cache served it.</summary>
public sealed record LoadedDataset(string Name, string Format, string Source, bool FromCache, DatasetSplits Splits) : IDisposable
{
    public void Dispose() => Splits.Dispose();
}
