using System.Collections;
using System.Reflection;
using Myopia.Inspection;
using Myopia.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Tests.Inspection;

/// <summary>
/// The recorder sees every layer in forward order, each output exactly as the layer produced it (not
/// as a later in-place op left it), without changing the model's output, and leaves nothing behind.
/// Architectures are used through the registry and layers found at run time, so the tests hold
/// whatever the models name their parts.
/// </summary>
public class ActivationRecorderTests
{
    private static Dictionary<string, nn.Module> ModulesByPath(nn.Module model) =>
        model.named_modules().ToDictionary(m => m.name, m => m.module);

    private static List<string> LeafPaths(nn.Module model) =>
        model.named_modules().Where(m => !m.module.children().Any()).Select(m => m.name).ToList();

    [Fact]
    public void RecordsEveryLeafOfResNet18InTheOrderAnIndependentHookSeesThem()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        model.eval();
        using var _ = no_grad();
        using var x = randn(2, 3, 32, 32);

        // The second mechanism: a bare forward hook per leaf, written here, appending clones as calls happen.
        var independent = new List<(nn.Module Module, Tensor Output)>();
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules().Where(m => !m.module.children().Any()))
            removers.Add(((nn.Module<Tensor, Tensor>)module).register_forward_hook((m, _, output) =>
            {
                independent.Add((m, output.clone()));
                return null!;
            }).remove);

        using var recorder = new ActivationRecorder(model);
        using var output = model.call(x);
        using var recorded = recorder.Take();
        foreach (var remove in removers) remove();

        var byPath = ModulesByPath(model);
        Assert.Equal(LeafPaths(model).Order(), recorder.Layers.Select(l => l.ModulePath).Distinct().Order());
        Assert.Equal(independent.Count, recorded.Count);
        var i = 0;
        foreach (var (path, tensor) in recorded)
        {
            var layer = recorder.Layers[i];
            Assert.Equal(path, layer.Path);
            Assert.Same(independent[i].Module, byPath[layer.ModulePath]);
            Assert.Equal(independent[i].Output.shape, layer.Shape);
            Assert.True(tensor.Equals(independent[i].Output), $"{path} differs from what its hook saw");
            i++;
        }
        foreach (var (_, t) in independent) t.Dispose();

        // The last layer is the head: its output is the model's output.
        Assert.True(recorded.Values.Last().Equals(output));
        Assert.Equal(0.0, recorder.Layers[0].RelativeDepth);
        Assert.Equal(1.0, recorder.Layers[^1].RelativeDepth);
    }

    /// <summary>
    /// The stem and the first residual block recomputed by hand, calling each module's forward (which
    /// fires no hook) in the order a ResNet uses them, and the residual sum checked through the next
    /// block's first conv.
    /// </summary>
    [Fact]
    public void StemAndFirstBlockMatchAForwardByHand()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 32, 32);
        using var recorder = new ActivationRecorder(model);
        using var recorded = recorder.Record(x);
        var byPath = ModulesByPath(model);
        var blocks = model.named_modules().Where(m => m.module is BasicBlock).Select(m => m.name).ToList();
        var (first, second) = (blocks[0], blocks[1]);

        // The stem: every layer recorded before the first block, a plain chain.
        var h = x;
        var stem = recorder.Layers.TakeWhile(l => !l.Path.StartsWith(first + ".")).ToList();
        Assert.NotEmpty(stem);
        foreach (var layer in stem)
        {
            h = ((nn.Module<Tensor, Tensor>)byPath[layer.ModulePath]).forward(h.clone());
            Assert.True(recorded[layer.Path].allclose(h, rtol: 1e-5, atol: 1e-6), $"stem layer {layer.Path}");
        }

        // The first block: relu(bn2(conv2(relu(bn1(conv1(x))))) + x); it keeps the shape, so no projection.
        Tensor Run(string part, Tensor input) => ((nn.Module<Tensor, Tensor>)byPath[$"{first}.{part}"]).forward(input);
        var c1 = Run("conv1", h);
        var b1 = Run("bn1", c1);
        var r1 = nn.functional.relu(b1);
        var c2 = Run("conv2", r1);
        var b2 = Run("bn2", c2);
        var blockOutput = nn.functional.relu(b2 + h);
        foreach (var (part, expected) in new[] { ("conv1", c1), ("bn1", b1), ("conv2", c2), ("bn2", b2) })
            Assert.True(recorded[$"{first}.{part}"].allclose(expected, rtol: 1e-5, atol: 1e-5), $"{first}.{part}");
        if (recorded.ContainsKey($"{first}.relu"))
        {
            Assert.True(recorded[$"{first}.relu"].allclose(r1, rtol: 1e-5, atol: 1e-5));
            Assert.True(recorded[$"{first}.relu#2"].allclose(blockOutput, rtol: 1e-5, atol: 1e-5));
        }
        var next = ((nn.Module<Tensor, Tensor>)byPath[$"{second}.conv1"]).forward(blockOutput);
        Assert.True(recorded[$"{second}.conv1"].allclose(next, rtol: 1e-4, atol: 1e-4), "the residual sum feeds the next block");
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("smallcnn")]
    [InlineData("vgg11bn")]
    public void ModelOutputIsBitwiseUnchanged(string name)
    {
        using var model = ModelRegistry.Create(name, 10);
        model.eval();
        using var _ = no_grad();
        using var x = randn(3, 3, 32, 32);
        using var plain = model.call(x);
        using (var recorder = new ActivationRecorder(model))
        {
            using var watched = model.call(x);
            Assert.True(watched.Equals(plain));
            using var reduced = new ActivationRecorder(model, LayerSelection.AllLeaves, Recording.ImageNorm);
            using var twiceWatched = model.call(x);
            Assert.True(twiceWatched.Equals(plain));
        }
        using var after = model.call(x);
        Assert.True(after.Equals(plain));
    }

    /// <summary>
    /// An in-place ReLU fed by a batch norm overwrites the BN's output tensor; the recorded BN output
    /// keeps its negatives. Which ReLU calls take a BN's output directly is found by hooks of the test's own.
    /// </summary>
    [Fact]
    public void InPlaceReluDoesNotOverwriteTheRecordedBatchNormOutput()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        model.eval();
        using var _ = no_grad();
        using var x = randn(2, 3, 32, 32);

        var pairs = new List<(string Bn, string Relu)>();
        var removers = new List<Action>();
        (string Path, Tensor Output)? lastBn = null;
        var reluCalls = new Dictionary<string, int>();
        foreach (var (path, module) in model.named_modules())
        {
            if (module is BatchNorm2d bn)
                removers.Add(bn.register_forward_hook((_, _, output) => { lastBn = (path, output); return null!; }).remove);
            if (module is ReLU relu)
                removers.Add(relu.register_forward_pre_hook((_, input) =>
                {
                    var call = reluCalls[path] = reluCalls.GetValueOrDefault(path) + 1;
                    if (lastBn is { } b && ReferenceEquals(b.Output, input))
                        pairs.Add((b.Path, call == 1 ? path : $"{path}#{call}"));
                    return null!;
                }).remove);
        }
        using var recorder = new ActivationRecorder(model);
        using var recorded = recorder.Record(x);
        foreach (var remove in removers) remove();

        Assert.NotEmpty(pairs);
        var byPath = ModulesByPath(model);
        foreach (var (bn, relu) in pairs)
        {
            Assert.True(((ReLU)byPath[relu.Split('#')[0]]).inplace, $"{relu} is expected to be in place");
            var bnOut = recorded[bn];
            Assert.True(bnOut.min().item<float>() < 0, $"{bn} has negatives before its ReLU");
            using var clamped = bnOut.relu();
            Assert.True(recorded[relu].Equals(clamped), $"{relu} is {bn} clamped at 0");
            Assert.False(bnOut.Equals(recorded[relu]));
        }
    }

    [Fact]
    public void AModuleCalledTwiceIsRecordedTwiceWithACallSuffix()
    {
        using var model = new SharedReluNet();
        using var _ = no_grad();
        using var x = randn(1, 2, 8, 8);
        using var recorder = new ActivationRecorder(model);
        using var recorded = recorder.Record(x);
        Assert.Equal(["conv1", "relu", "conv2", "relu#2"], recorded.Keys);
        Assert.Equal([1, 1, 1, 2], recorder.Layers.Select(l => l.Call));
        Assert.Equal("relu", recorder.Layers[3].ModulePath);
        Assert.Equal([0.0, 1 / 3.0, 2 / 3.0, 1.0], recorder.Layers.Select(l => l.RelativeDepth));
        Assert.True(recorded["relu#2"].min().item<float>() >= 0);
        Assert.False(recorded["relu"].Equals(recorded["relu#2"]));
    }

    [Fact]
    public void ReductionKeepsOnlyTheReducedTensor()
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        model.eval();
        using var _ = no_grad();
        using var x = randn(4, 3, 16, 16);
        using var copies = new ActivationRecorder(model);
        using var means = new ActivationRecorder(model, LayerSelection.AllLeaves, Recording.ChannelMean);
        using var norms = new ActivationRecorder(model, LayerSelection.OfType("Conv2d"), Recording.ImageNorm);
        using (model.call(x)) { }
        using var full = copies.Take();
        using var reduced = means.Take();
        using var normed = norms.Take();
        Assert.Equal(full.Keys, reduced.Keys);
        foreach (var (path, tensor) in reduced)
        {
            var original = full[path];
            Assert.Equal(original.shape, means.Layers.Single(l => l.Path == path).Shape);
            Assert.Equal(new[] { original.shape[0], original.shape[1] }, tensor.shape);
            using var expected = original.dim() > 2 ? original.mean([2, 3]) : original.clone();
            Assert.True(tensor.allclose(expected, rtol: 1e-5, atol: 1e-6), path);
        }
        Assert.All(normed.Layers, l => Assert.Equal(nameof(Conv2d), l.Type));
        Assert.All(normed.Values, t => Assert.Equal(new long[] { 4 }, t.shape));
    }

    [Fact]
    public void SelectionsPickLayersByPatternTypeAndPath()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        model.eval();
        using var _ = no_grad();
        using var x = randn(1, 3, 16, 16);
        var leaves = LeafPaths(model);
        var someConv1 = leaves.First(p => p.EndsWith(".conv1"));

        using (var byGlob = new ActivationRecorder(model, LayerSelection.Matching("*.conv1")))
        using (var recorded = byGlob.Record(x))
            Assert.Equal(leaves.Where(p => p.EndsWith(".conv1")).Order(), recorded.Keys.Order());
        using (var byRegex = new ActivationRecorder(model, LayerSelection.Matching(@"/\.bn\d$/")))
        using (var recorded = byRegex.Record(x))
            Assert.Equal(leaves.Where(p => System.Text.RegularExpressions.Regex.IsMatch(p, @"\.bn\d$")).Order(), recorded.Keys.Order());
        using (var byType = new ActivationRecorder(model, LayerSelection.OfType("conv2d")))
        using (var recorded = byType.Record(x))
            Assert.Equal(model.modules().OfType<Conv2d>().Count(), recorded.Count);
        using (var byPath = new ActivationRecorder(model, LayerSelection.Paths(someConv1)))
        using (var recorded = byPath.Record(x))
            Assert.Equal([someConv1], recorded.Keys);
        var error = Assert.Throws<MyopiaException>(() => new ActivationRecorder(model, LayerSelection.Paths("no.such.layer")));
        Assert.Contains("no.such.layer", error.Message);
    }

    [Fact]
    public void HooksAreRemovedOnDispose()
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        model.eval();
        using var _ = no_grad();
        using var x = randn(1, 3, 16, 16);
        var recorder = new ActivationRecorder(model);
        Assert.True(recorder.HookCount > 0);
        Assert.True(HooksOn(model) > 0);
        recorder.Dispose();
        Assert.Equal(0, recorder.HookCount);
        Assert.Equal(0, HooksOn(model));
        using (model.call(x)) { }
        using var after = recorder.Take();
        Assert.Empty(after);
    }

    /// <summary>Hooks as TorchSharp stores them (its dictionaries are protected: read by reflection, to not trust the recorder's own count).</summary>
    private static int HooksOn(nn.Module model) => model.modules().Append(model).Sum(m =>
    {
        var count = 0;
        for (var type = m.GetType(); type != null; type = type.BaseType)
            foreach (var name in new[] { "pre_hooks", "post_hooks", "module_pre_hooks", "module_post_hooks" })
                if (type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)?.GetValue(m) is ICollection hooks)
                    count += hooks.Count;
        return count;
    });

    /// <summary>Live tensors on this thread (TorchSharp's own bookkeeping) do not grow with the number of recorded batches.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MemoryStaysFlatOverAThousandBatches(bool takeEachBatch)
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        model.eval();
        using var _ = no_grad();
        using var recorder = new ActivationRecorder(model, LayerSelection.AllLeaves, Recording.CopyToCpu);
        void Batch()
        {
            using var x = rand(2, 3, 8, 8);
            using var output = model.call(x);
            if (takeEachBatch)
            {
                using var taken = recorder.Take();
                Assert.Equal(recorder.Layers.Count, taken.Count);
            }
        }
        for (var i = 0; i < 10; i++) Batch();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 1000; i++) Batch();
        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(before, after);
    }

    [Fact]
    public void KeptTensorsOutliveTheCallersDisposeScope()
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        model.eval();
        using var _ = no_grad();
        using var recorder = new ActivationRecorder(model);
        using (NewDisposeScope())
        {
            var x = randn(1, 3, 8, 8);
            model.call(x);
        }
        using var recorded = recorder.Take();
        Assert.NotEmpty(recorded);
        Assert.All(recorded.Values, t => Assert.False(t.IsInvalid));
    }

    [Fact]
    public void TorchScriptModelsAreRejectedWithAClearMessage()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inspection", "Assets", "linrelu.script.dat");
        using var script = jit.load<Tensor, Tensor>(path);
        var error = Assert.Throws<MyopiaException>(() => new ActivationRecorder(script));
        Assert.Contains("is a TorchScript model: its layers cannot be recorded", error.Message);
        Assert.Contains("state_dict", error.Message);
        Assert.Throws<MyopiaException>(() => ModelInspector.Inspect(script, new ImageShape(1, 1, 1000)));
    }

    /// <summary>
    /// Run through <c>forward</c> instead of <c>call</c>, the model fires no hook of its own, yet its layers
    /// do: each pass is still recorded on its own, without <c>#2</c> names piling up.
    /// </summary>
    [Fact]
    public void PassesAreDelimitedWhenTheModelIsRunThroughForward()
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        model.eval();
        using var _ = no_grad();
        using var recorder = new ActivationRecorder(model);
        using var first = randn(1, 3, 8, 8);
        using var second = randn(1, 3, 8, 8);
        using (model.forward(first)) { }
        using (var output = model.forward(second))
        using (var recorded = recorder.Take())
        {
            Assert.Equal(LeafPaths(model).Order(), recorded.Keys.Order());
            Assert.True(recorded.Values.Last().Equals(output), "the second pass, not the first, is what was kept");
        }
    }

    [Fact]
    public void LayersAParentRunsThroughForwardAreReportedAsNotCalled()
    {
        using var model = new ForwardCallingNet();
        using var _ = no_grad();
        using var recorder = new ActivationRecorder(model);
        using var x = randn(1, 2, 8, 8);
        using var recorded = recorder.Record(x);
        Assert.Equal(["hooked"], recorded.Keys);
        Assert.Equal(["unhooked"], recorder.NotCalled);
    }

    private sealed class ForwardCallingNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d hooked = nn.Conv2d(2, 2, 3, padding: 1);
        private readonly Conv2d unhooked = nn.Conv2d(2, 2, 3, padding: 1);

        public ForwardCallingNet() : base("forward_calling")
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var h = hooked.call(x);
            return unhooked.forward(h);
        }
    }

    /// <summary>torchvision's BasicBlock pattern in miniature: one ReLU module called twice in a forward.</summary>
    private sealed class SharedReluNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = nn.Conv2d(2, 4, 3, padding: 1);
        private readonly ReLU relu = nn.ReLU();
        private readonly Conv2d conv2 = nn.Conv2d(4, 4, 3, padding: 1);

        public SharedReluNet() : base("shared_relu")
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var c1 = conv1.call(x);
            using var r1 = relu.call(c1);
            using var c2 = conv2.call(r1);
            using var negated = -c2;
            return relu.call(negated);
        }
    }
}
