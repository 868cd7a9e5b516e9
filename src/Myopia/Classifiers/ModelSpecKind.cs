namespace Myopia.Classifiers;

/// <summary>What a model spec (the value of <c>--model</c> in an analysis command) names.</summary>
public enum ModelSpecKind { MyopiaCheckpoint, StateDict, Safetensors, TorchScript, Registry }
