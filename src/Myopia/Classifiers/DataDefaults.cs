using Myopia.Data;

namespace Myopia.Classifiers;

/// <summary>
/// What the dataset an analysis runs on can tell about a model that does not say it itself (a
/// state_dict without a card, an untrained registry network): used only where neither the options
/// nor the model file give a value, and always named in the card's notes.
/// </summary>
public sealed record DataDefaults(string Dataset, Normalization Normalization, IReadOnlyList<string> ClassNames, int Channels, int Height, int Width)
{
    public static DataDefaults Of(DatasetSplits splits) =>
        new(splits.Test.Name, splits.Normalization, splits.Test.ClassNames, splits.Test.Channels, splits.Test.Height, splits.Test.Width);
}
