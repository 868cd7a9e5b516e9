using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Tests.Infrastructure;

/// <summary>Wraps a test's own module as a classifier without taking ownership (the test disposes the module).</summary>
public static class TestClassifiers
{
    public static Classifier Of(nn.Module<Tensor, Tensor> model, Normalization normalization, int classes) =>
        Classifier.FromModule(model, normalization, Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());

    public static Classifier Of(nn.Module<Tensor, Tensor> model, Normalization normalization, IReadOnlyList<string> classNames) =>
        Classifier.FromModule(model, normalization, classNames);
}
