namespace Myopia.Interop;

/// <summary>The file formats a model's weights are exported in for PyTorch.</summary>
public enum ExportFormat
{
    /// <summary><c>torch.save(model.state_dict())</c>'s zip format, read with <c>torch.load</c>.</summary>
    StateDict,
    /// <summary>The safetensors format (no pickle, so no code runs on load), read with <c>safetensors.torch.load_file</c>.</summary>
    Safetensors,
}
