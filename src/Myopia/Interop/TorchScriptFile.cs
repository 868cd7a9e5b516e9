using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Interop;

/// <summary>
/// A whole model compiled by PyTorch (<c>torch.jit.trace</c> or <c>torch.jit.script</c>, then
/// <c>torch.jit.save</c>): architecture and weights in one file, run by libtorch without Python.
/// </summary>
public static class TorchScriptFile
{
    /// <summary>
    /// True for a TorchScript archive: a zip holding compiled code (<c>code/</c>) or
    /// <c>constants.pkl</c>. A torch.save state_dict is a zip too, but has only data.pkl and tensor records.
    /// </summary>
    public static bool IsTorchScript(string path) =>
        File.Exists(path) && ModelFileKind.Detect(path) == ModelFileFormat.TorchScript;

    /// <summary>
    /// Loads a module taking one image batch and returning logits, onto the CPU. It keeps the
    /// training/eval mode it was saved in; a traced model has that mode baked into its graph anyway.
    /// </summary>
    public static jit.ScriptModule<Tensor, Tensor> Load(string path)
    {
        ModelFileKind.RequireFile(path, "TorchScript file");
        var format = ModelFileKind.Detect(path);
        if (format != ModelFileFormat.TorchScript)
            throw new MyopiaException(format switch
            {
                ModelFileFormat.StateDictPickle or ModelFileFormat.Safetensors =>
                    $"{path} is a state_dict (weights only), not TorchScript: load it into a model created by name",
                ModelFileFormat.MyopiaCheckpoint => $"{path} is a Myopia checkpoint, not TorchScript",
                _ => $"{path} is not a TorchScript archive (torch.jit.save writes a zip with code/ and constants.pkl)",
            });
        try
        {
            return jit.load<Tensor, Tensor>(path);
        }
        catch (Exception e) when (e is not MyopiaException)
        {
            // libtorch's messages carry a C++ backtrace after the first line.
            throw new MyopiaException($"cannot load TorchScript {path}: {StateDictFile.OneLine(e.Message)}", e);
        }
    }
}
