using System.CommandLine;
using Myopia.Devices;
using Myopia.IO;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia env</c>: the libtorch backend, threads, devices and CPU features, for bug reports and to choose --device and --precision.</summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("env", "Show the libtorch backend, its version, threads, devices and whether the CPU has AVX-512 and BF16.") { json };
        command.SetAction(parse =>
        {
            var report = MachineReport.Read();
            if (parse.GetValue(json)) { JsonOutput.Print(report); return 0; }
            static string YesNo(bool b) => b ? "yes" : "no";
            Console.WriteLine($"myopia      {report.MyopiaVersion}");
            Console.WriteLine($"backend     {report.Backend} (libtorch {report.Libtorch})");
            Console.WriteLine($"runtime     {report.DotNet} on {report.Os}");
            Console.WriteLine($"cpu         {report.Cpu}, {report.Cores} cores; libtorch uses {report.TorchThreads} threads");
            Console.WriteLine($"cpu features AVX2 {YesNo(report.HasAvx2)}, AVX-512 {YesNo(report.HasAvx512)}, AVX-512 BF16 {YesNo(report.Bf16)}, AMX BF16 {YesNo(report.AmxBf16)}");
            Console.WriteLine($"precision   auto = {report.AutomaticPrecision}; bf16 {(report.Autocast ? "available (libtorch autocast)" : "unavailable: libtorch's autocast not found")}");
            Console.WriteLine($"cuda        {(report.CudaAvailable ? $"{report.CudaDevices} device(s)" : DeviceChoice.IsCpuOnlyBuild ? "not in this build (CPU-only libtorch)" : "no device visible")}");
            Console.WriteLine($"devices     {string.Join(", ", report.Devices)}");
            return 0;
        });
        return command;
    }
}
