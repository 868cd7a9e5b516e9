namespace Myopia.Analysis.LinearDynamics;

/// <summary>One cosine of a part: weight * cos(2 pi (f . position) / n).</summary>
public sealed record CosineTerm(int[] Frequency, double Weight = 1);

/// <summary>
/// A structural part of a synthetic dataset: amplitude times a sum of cosines, added to the images of
/// the classes listed. Hierarchies (a part for all classes, parts for groups, a part per class) are
/// expressed by which classes share a part.
/// </summary>
public sealed record StructuralPart(string Name, double Amplitude, CosineTerm[] Terms, int[] Classes)
{
    /// <summary>The term of largest weight: the part's dominant frequency.</summary>
    public CosineTerm Dominant => Terms.MaxBy(t => Math.Abs(t.Weight))!;

    /// <summary>Every other term: the secondary frequencies.</summary>
    public IEnumerable<CosineTerm> Secondary => Terms.Where(t => !ReferenceEquals(t, Dominant));
}

/// <summary>A user-defined (or built-in) synthetic dataset: one image per class, built from parts.</summary>
public sealed record PartHierarchy(int[] Shape, int Classes, StructuralPart[] Parts, double Scale)
{
    public void Validate()
    {
        if (Shape.Length is < 1 or > 2 || Shape.Any(s => s < 2)) throw new MyopiaException("a part hierarchy needs a 1-D or 2-D shape of sides >= 2");
        if (Classes < 2) throw new MyopiaException("a part hierarchy needs at least two classes");
        foreach (var p in Parts)
        {
            if (p.Terms.Length == 0) throw new MyopiaException($"part '{p.Name}' has no cosine terms");
            if (p.Terms.Any(t => t.Frequency.Length != Shape.Length)) throw new MyopiaException($"part '{p.Name}': frequencies must have {Shape.Length} components");
            if (p.Classes.Any(c => c < 0 || c >= Classes)) throw new MyopiaException($"part '{p.Name}' names a class outside 0..{Classes - 1}");
        }
    }
}
