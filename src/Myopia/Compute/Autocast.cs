using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Compute;

/// <summary>
/// libtorch's own automatic mixed precision (what <c>torch.autocast</c> switches on in Python), reached
/// through libtorch's exported functions because TorchSharp does not wrap them. While a scope is open on
/// a thread, libtorch's dispatcher runs convolutions and matrix products in the lower precision (weights
/// are cast once per scope and cached), keeps losses and reductions in FP32, and leaves the FP32 master
/// weights and their gradients untouched: exactly PyTorch's CPU and CUDA autocast, for any network,
/// TorchScript included.
/// </summary>
/// <remarks>
/// The state is thread-local in libtorch, so a scope must be disposed on the thread that opened it
/// (every forward pass here is synchronous). Backward passes need no scope: autograd casts gradients
/// back through the recorded casts.
/// </remarks>
public sealed unsafe class Autocast : IDisposable
{
    // c10::ScalarType codes.
    private const sbyte BFloat16 = 15;
    private const sbyte Float16 = 5;

    private static readonly Lazy<Entry?> Native = new(Bind);

    private readonly sbyte device;
    private readonly bool wasEnabled;
    private readonly sbyte previousType;
    private bool disposed;

    private Autocast(Entry native, sbyte device, sbyte type)
    {
        this.device = device;
        wasEnabled = native.IsEnabled(device) != 0;
        previousType = native.GetType(device);
        native.SetType(device, type);
        native.SetEnabled(device, 1);
        native.IncrementNesting();
    }

    /// <summary>True when this libtorch exports its autocast functions (every supported platform does).</summary>
    public static bool IsAvailable => Native.Value is not null;

    /// <summary>
    /// Runs the network in <paramref name="precision"/> on <paramref name="onDevice"/> until disposed;
    /// null (no scope needed) for FP32.
    /// </summary>
    public static Autocast? Enter(NumericPrecision precision, Device onDevice)
    {
        if (precision == NumericPrecision.Fp32) return null;
        var native = Native.Value ?? throw new MyopiaException(
            "--precision bf16 needs libtorch's autocast, which this libtorch build does not export; use --precision fp32");
        return new Autocast(native, (sbyte)onDevice.type, precision == NumericPrecision.Bf16 ? BFloat16 : Float16);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        var native = Native.Value!;
        if (native.DecrementNesting() == 0) native.ClearCache(); // the weights cast for this pass
        native.SetEnabled(device, (byte)(wasEnabled ? 1 : 0));
        native.SetType(device, previousType);
    }

    private sealed class Entry
    {
        public delegate* unmanaged<sbyte, byte, void> SetEnabledPtr;
        public delegate* unmanaged<sbyte, byte> IsEnabledPtr;
        public delegate* unmanaged<sbyte, sbyte, void> SetTypePtr;
        public delegate* unmanaged<sbyte, sbyte> GetTypePtr;
        public delegate* unmanaged<long> IncrementPtr;
        public delegate* unmanaged<long> DecrementPtr;
        public delegate* unmanaged<void> ClearPtr;

        public void SetEnabled(sbyte d, byte on) => SetEnabledPtr(d, on);
        public byte IsEnabled(sbyte d) => IsEnabledPtr(d);
        public void SetType(sbyte d, sbyte t) => SetTypePtr(d, t);
        public sbyte GetType(sbyte d) => GetTypePtr(d);
        public long IncrementNesting() => IncrementPtr();
        public long DecrementNesting() => DecrementPtr();
        public void ClearCache() => ClearPtr();
    }

    // The functions of at::autocast (aten/src/ATen/autocast_mode.h), by their C++ linkage names:
    // Itanium mangling on Linux and macOS, MSVC mangling on Windows.
    private static readonly (string Itanium, string Msvc)[] Symbols =
    [
        ("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb", "?set_autocast_enabled@autocast@at@@YAXW4DeviceType@c10@@_N@Z"),
        ("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE", "?is_autocast_enabled@autocast@at@@YA_NW4DeviceType@c10@@@Z"),
        ("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE", "?set_autocast_dtype@autocast@at@@YAXW4DeviceType@c10@@W4ScalarType@4@@Z"),
        ("_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE", "?get_autocast_dtype@autocast@at@@YA?AW4ScalarType@c10@@W4DeviceType@4@@Z"),
        ("_ZN2at8autocast17increment_nestingEv", "?increment_nesting@autocast@at@@YA_JXZ"),
        ("_ZN2at8autocast17decrement_nestingEv", "?decrement_nesting@autocast@at@@YA_JXZ"),
        ("_ZN2at8autocast11clear_cacheEv", "?clear_cache@autocast@at@@YAXXZ"),
    ];

    private static Entry? Bind()
    {
        _ = torch.get_num_threads(); // TorchSharp loads libtorch on first use
        string[] names = OperatingSystem.IsWindows() ? ["torch_cpu.dll"]
            : OperatingSystem.IsMacOS() ? ["libtorch_cpu.dylib"]
            : ["libtorch_cpu.so"];
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, typeof(torch).Assembly, null, out var handle)) continue;
            var addresses = new IntPtr[Symbols.Length];
            bool all = true;
            for (int i = 0; i < Symbols.Length && all; i++)
            {
                var symbol = OperatingSystem.IsWindows() ? Symbols[i].Msvc : Symbols[i].Itanium;
                all = NativeLibrary.TryGetExport(handle, symbol, out addresses[i]);
            }
            if (!all) continue;
            return new Entry
            {
                SetEnabledPtr = (delegate* unmanaged<sbyte, byte, void>)addresses[0],
                IsEnabledPtr = (delegate* unmanaged<sbyte, byte>)addresses[1],
                SetTypePtr = (delegate* unmanaged<sbyte, sbyte, void>)addresses[2],
                GetTypePtr = (delegate* unmanaged<sbyte, sbyte>)addresses[3],
                IncrementPtr = (delegate* unmanaged<long>)addresses[4],
                DecrementPtr = (delegate* unmanaged<long>)addresses[5],
                ClearPtr = (delegate* unmanaged<void>)addresses[6],
            };
        }
        return null;
    }
}
