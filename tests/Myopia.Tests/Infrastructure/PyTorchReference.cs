using System.Diagnostics;

namespace Myopia.Tests.Infrastructure;

/// <summary>
/// Runs PyTorch itself to produce reference data (state_dicts, TorchScript, inputs and logits as
/// .npy) for equality tests. Needs a python that imports torch and torchvision: MYOPIA_PYTHON if
/// set (MYOPIA_PYTHON=none turns the PyTorch tests off), else /usr/bin/python3 (Debian's
/// python3-torch), else the first python3 on PATH. Tests use
/// <see cref="PyTorchFactAttribute"/>, so where there is none they are reported as skipped, with the reason.
/// </summary>
public static class PyTorchReference
{
    public static string? Python { get; } = Find();

    public static string UnavailableReason { get; } = Environment.GetEnvironmentVariable("MYOPIA_PYTHON") == "none"
        ? "PyTorch reference tests turned off (MYOPIA_PYTHON=none)"
        : "no python with torch and torchvision (tried MYOPIA_PYTHON, /usr/bin/python3, python3 on PATH)";

    /// <summary>
    /// Writes <paramref name="script"/> (with <see cref="PythonHelpers"/> prepended) into a new
    /// temporary folder and runs it there, the folder being also its first argument. Throws with
    /// the script's stderr when it fails or outlasts <paramref name="timeout"/>.
    /// </summary>
    public static ReferenceFolder Run(string script, TimeSpan? timeout = null)
    {
        if (Python is null) throw new InvalidOperationException(UnavailableReason);
        var folder = new ReferenceFolder(Directory.CreateTempSubdirectory("myopia-pytorch-").FullName);
        var path = folder.File("reference.py");
        File.WriteAllText(path, PythonHelpers + "\n" + script);
        var (exit, _, stderr) = Execute(Python, [path, folder.Path], folder.Path, timeout ?? TimeSpan.FromMinutes(3));
        if (exit != 0)
        {
            folder.Dispose();
            throw new InvalidOperationException($"the PyTorch reference script failed (exit {exit}):\n{stderr}");
        }
        return folder;
    }

    /// <summary>
    /// Functions every reference script may call. No package can be installed (no PyPI here), so
    /// safetensors files are written and read by hand, in the exact format: an 8-byte little-endian
    /// header length, a JSON header (dtype, shape, data_offsets per tensor, keys sorted), raw bytes.
    /// </summary>
    /// <summary>A script writing vgg.pth: the state_dict of a PyTorch network laid out as the registry's vggsmall
    /// (3 stages of [conv-BN-ReLU] x 2 + max pool, 32/64/128, global average, linear), seed 0, for the labs' CLI tests.</summary>
    public const string SmallVggStateDict = """
            import torch.nn as nn
            torch.manual_seed(0)
            layers, c = [], 3
            for w in [32, 64, 128]:
                for _ in range(2):
                    layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
                    c = w
                layers += [nn.MaxPool2d(2)]
            class SmallVgg(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.features = nn.Sequential(*layers)
                    self.classifier = nn.Linear(128, 10)
                def forward(self, x):
                    return self.classifier(self.features(x).mean((2, 3)))
            model = SmallVgg().eval()
            torch.save(model.state_dict(), out("vgg.pth"))
            """;

    public const string PythonHelpers = """
        import json, os, struct, sys
        import numpy as np
        import torch

        OUT = sys.argv[1]
        torch.set_num_threads(2)

        def out(name):
            return os.path.join(OUT, name)

        def save_npy(name, tensor):
            np.save(out(name), tensor.detach().cpu().numpy().astype(np.float32))

        _DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.int64: "I64",
                   torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}

        def write_safetensors(path, state_dict):
            header, blobs, offset = {}, [], 0
            for name in sorted(state_dict):
                t = state_dict[name].detach().cpu().contiguous()
                data = t.numpy().tobytes()
                header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
                blobs.append(data)
                offset += len(data)
            header["__metadata__"] = {"format": "pt"}
            encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
            encoded += b" " * (-len(encoded) % 8)
            with open(path, "wb") as f:
                f.write(struct.pack("<Q", len(encoded)))
                f.write(encoded)
                for data in blobs:
                    f.write(data)

        def read_safetensors(path):
            types = {v: k for k, v in _DTYPES.items()}
            with open(path, "rb") as f:
                size = struct.unpack("<Q", f.read(8))[0]
                header = json.loads(f.read(size))
                data = f.read()
            result = {}
            for name, entry in header.items():
                if name == "__metadata__":
                    continue
                start, end = entry["data_offsets"]
                dtype = types[entry["dtype"]]
                flat = torch.frombuffer(bytearray(data[start:end]), dtype=dtype) if end > start else torch.empty(0, dtype=dtype)
                result[name] = flat.reshape(entry["shape"]).clone()
            return result

        def randomize_batchnorm(model):
            # Random running statistics and affine parameters, so that a wrongly loaded or
            # ignored BN buffer changes the logits.
            g = torch.Generator().manual_seed(1234)
            for m in model.modules():
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                    n = m.num_features
                    m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
                    m.running_var.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
                    m.weight.data.copy_(torch.rand(n, generator=g) * 0.5 + 0.75)
                    m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)
                    m.num_batches_tracked.fill_(7)
        """;

    private static string? Find()
    {
        var chosen = Environment.GetEnvironmentVariable("MYOPIA_PYTHON");
        if (chosen == "none") return null;
        var candidates = new[] { chosen, "/usr/bin/python3", "python3" };
        foreach (var candidate in candidates.Where(c => !string.IsNullOrEmpty(c)))
        {
            try
            {
                var (exit, _, _) = Execute(candidate!, ["-c", "import torch, torchvision"], null, TimeSpan.FromSeconds(60));
                if (exit == 0) return candidate;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
            {
                // Not installed here, or hanging: try the next one.
            }
        }
        return null;
    }

    private static (int Exit, string Stdout, string Stderr) Execute(string python, string[] args, string? workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>The folder a reference script wrote into; deleted on dispose.</summary>
public sealed class ReferenceFolder(string path) : IDisposable
{
    public string Path { get; } = path;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public TorchSharp.torch.Tensor ReadNpy(string name) => NpyReader.Read(File(name));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a file still mapped by libtorch; the temp folder is cleaned later */ }
    }
}

/// <summary>A fact that needs PyTorch (see <see cref="PyTorchReference"/>); skipped, with the reason, where it is absent.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (PyTorchReference.Python is null) Skip = PyTorchReference.UnavailableReason;
    }
}

/// <summary>The <see cref="PyTorchFactAttribute"/> of theories.</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute()
    {
        if (PyTorchReference.Python is null) Skip = PyTorchReference.UnavailableReason;
    }
}
