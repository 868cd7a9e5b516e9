namespace Myopia.Data;

/// <summary>
/// Which images of a split an analysis looks at: listed indices, a number spread evenly over the
/// split, or a number shared evenly between chosen classes (e.g. airplanes and cars for heatmaps).
/// </summary>
public static class ImageSelection
{
    /// <summary>
    /// <paramref name="indices"/> ("3,17,42") if given, else <paramref name="count"/> images spread over
    /// the split, restricted to the true classes in <paramref name="ofClasses"/> ("airplane,1") if given.
    /// </summary>
    public static long[] Pick(ImageDataset images, string? indices, int count, string? ofClasses = null)
    {
        if (indices is not null && ofClasses is not null) throw new MyopiaException("use either --images or --of-classes, not both");
        if (indices is not null) return Listed(images, indices);
        if (count < 1) throw new MyopiaException("--count must be positive");
        if (ofClasses is not null) return OfClasses(images, count, ClassIndices(images.ClassNames, ofClasses));
        count = Math.Min(count, images.Count);
        return Enumerable.Range(0, count).Select(i => (long)i * images.Count / count).ToArray();
    }

    private static long[] Listed(ImageDataset images, string indices)
    {
        var list = indices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, out var v) && v >= 0 && v < images.Count ? v
                : throw new MyopiaException($"--images: '{s}' is not an index in 0..{images.Count - 1}"))
            .ToArray();
        return list.Length > 0 ? list : throw new MyopiaException("--images is empty");
    }

    /// <summary>Class names (any case) or indices, comma-separated, as class indices.</summary>
    public static int[] ClassIndices(IReadOnlyList<string> names, string text)
    {
        var classes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s =>
            {
                int byName = names.ToList().FindIndex(n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
                if (byName >= 0) return byName;
                return int.TryParse(s, out var i) && i >= 0 && i < names.Count ? i
                    : throw new MyopiaException($"--of-classes: no class '{s}'; classes: {string.Join(", ", names)}");
            }).Distinct().ToArray();
        return classes.Length > 0 ? classes : throw new MyopiaException("--of-classes is empty");
    }

    // count images shared evenly between the classes (the first ones get the remainder), each class's
    // share spread over its images in split order.
    private static long[] OfClasses(ImageDataset images, int count, int[] classes)
    {
        var labels = images.Labels.data<long>().ToArray();
        var picked = new List<long>();
        for (int c = 0; c < classes.Length; c++)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == classes[c]).ToArray();
            if (members.Length == 0) throw new MyopiaException($"--of-classes: no image of class '{images.ClassNames[classes[c]]}' here");
            int share = Math.Min(members.Length, count / classes.Length + (c < count % classes.Length ? 1 : 0));
            picked.AddRange(Enumerable.Range(0, share).Select(k => (long)members[(long)k * members.Length / share]));
        }
        return picked.ToArray();
    }
}
