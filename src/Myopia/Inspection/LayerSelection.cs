using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// Which layers of a model to look at, addressed by module path (<c>layer1.0.conv1</c>, <c>features.3</c>)
/// as timm's FeatureHooks and torchvision's create_feature_extractor address them.
/// </summary>
/// <remarks>
/// Selections other than <see cref="Paths"/> only pick leaf layers (modules without children): a
/// container's output is the output of its last leaf, or a sum the leaves do not see, and mixing both
/// would record the same activation twice.
/// </remarks>
public abstract record LayerSelection
{
    private LayerSelection() { }

    /// <summary>Every leaf layer (a module without children).</summary>
    public static LayerSelection AllLeaves { get; } = new Leaves();

    /// <summary>
    /// Leaf layers whose path matches <paramref name="pattern"/>: a glob (<c>*</c> any run of characters,
    /// <c>?</c> one character, e.g. <c>layer*.conv1</c>), or a regular expression when written as
    /// <c>/.../</c> (e.g. <c>/^layer[12]\..*bn\d$/</c>). A glob must match the whole path.
    /// </summary>
    public static LayerSelection Matching(string pattern) => new Pattern(pattern, ToRegex(pattern));

    /// <summary>Leaf layers of the given module types, by class name (<c>Conv2d</c>, <c>ReLU</c>), case-insensitive.</summary>
    public static LayerSelection OfType(params string[] typeNames) => new Types(typeNames.ToHashSet(StringComparer.OrdinalIgnoreCase));

    /// <summary>Exactly these modules, leaf or not; an unknown path is an error that lists the paths there are.</summary>
    public static LayerSelection Paths(params string[] paths) => new Explicit(paths);

    /// <summary>The selected modules with their paths, in registration order (forward order is only known after a forward pass).</summary>
    public IReadOnlyList<(string Path, nn.Module Module)> Select(nn.Module model)
    {
        var all = model.named_modules().ToList();
        if (this is Explicit e)
        {
            var byPath = all.ToDictionary(m => m.name, m => m.module);
            return e.Wanted.Select(path => byPath.TryGetValue(path, out var module)
                ? (path, module)
                : throw new MyopiaException($"model has no layer '{path}'; its layers are: {string.Join(", ", all.Select(m => m.name))}")).ToList();
        }
        var leaves = all.Where(m => !m.module.children().Any());
        // A model that is itself one layer is its own only leaf; its path is empty, as in named_modules of PyTorch.
        if (all.Count == 0) leaves = [("", model)];
        return leaves.Where(m => Includes(m.name, m.module)).ToList();
    }

    /// <summary>True when the caller named the layers one by one, so a layer that cannot be hooked is an error rather than skipped.</summary>
    internal bool NamesLayers => this is Explicit;

    private protected abstract bool Includes(string path, nn.Module module);

    private static Regex ToRegex(string pattern)
    {
        if (pattern.Length >= 2 && pattern.StartsWith('/') && pattern.EndsWith('/'))
        {
            try { return new Regex(pattern[1..^1], RegexOptions.CultureInvariant); }
            catch (ArgumentException e) { throw new MyopiaException($"bad layer pattern {pattern}: {e.Message}"); }
        }
        var glob = Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".");
        return new Regex($"^{glob}$", RegexOptions.CultureInvariant);
    }

    private sealed record Leaves : LayerSelection
    {
        private protected override bool Includes(string path, nn.Module module) => true;
        public override string ToString() => "all leaf layers";
    }

    private sealed record Pattern(string Text, Regex Regex) : LayerSelection
    {
        private protected override bool Includes(string path, nn.Module module) => Regex.IsMatch(path);
        public override string ToString() => $"layers matching {Text}";
    }

    private sealed record Types(HashSet<string> Names) : LayerSelection
    {
        private protected override bool Includes(string path, nn.Module module) => Names.Contains(module.GetType().Name);
        public override string ToString() => $"layers of type {string.Join(", ", Names)}";
    }

    private sealed record Explicit(string[] Wanted) : LayerSelection
    {
        private protected override bool Includes(string path, nn.Module module) => Wanted.Contains(path);
        public override string ToString() => $"layers {string.Join(", ", Wanted)}";
    }
}
