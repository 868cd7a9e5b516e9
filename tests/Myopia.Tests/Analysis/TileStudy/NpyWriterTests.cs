using Myopia.IO;
using System.Text;
using System.Text.RegularExpressions;
using Myopia.Reporting;

namespace Myopia.Tests.Analysis.TileStudy;

/// <summary>The .npy files of the heatmaps read back by an independent parser of the NPY v1.0 format.</summary>
public class NpyWriterTests
{
    private sealed record NpyArray(string Descr, bool Fortran, int[] Shape, byte[] Data, int HeaderBytes);

    private static NpyArray Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = bytes[8] | bytes[9] << 8; // little-endian uint16
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header);
        var m = Regex.Match(header, @"^\{'descr': '([^']+)', 'fortran_order': (True|False), 'shape': \(([^)]*)\), \} *\n$");
        Assert.True(m.Success, $"unexpected header: {header}");
        var shape = m.Groups[3].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        return new NpyArray(m.Groups[1].Value, m.Groups[2].Value == "True", shape, bytes[(10 + headerLength)..], 10 + headerLength);
    }

    [Fact]
    public void FloatMatrixRoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"myopia-npy-{Guid.NewGuid():N}.npy");
        try
        {
            float[] values = [1.5f, -2f, 0f, 3.25f, float.MaxValue, -0.125f];
            NpyWriter.Write(path, values, 2, 3);
            var a = Read(path);
            Assert.Equal("<f4", a.Descr);
            Assert.False(a.Fortran);
            Assert.Equal([2, 3], a.Shape);
            Assert.Equal(0, a.HeaderBytes % 64); // data starts aligned, as numpy writes it
            Assert.Equal(values.Length * 4, a.Data.Length);
            var back = Enumerable.Range(0, values.Length).Select(i => BitConverter.ToSingle(a.Data, 4 * i)).ToArray();
            Assert.Equal(values, back);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void IntVectorRoundTripsWithAOneElementTupleShape()
    {
        var path = Path.Combine(Path.GetTempPath(), $"myopia-npy-{Guid.NewGuid():N}.npy");
        try
        {
            int[] values = [0, 7, -1, int.MaxValue, 9];
            NpyWriter.Write(path, values, 5);
            var a = Read(path);
            Assert.Equal("<i4", a.Descr);
            Assert.Equal([5], a.Shape);
            Assert.Contains("'shape': (5,)", File.ReadAllText(path)); // (5) would be an int, not a tuple, to numpy
            Assert.Equal(values, Enumerable.Range(0, values.Length).Select(i => BitConverter.ToInt32(a.Data, 4 * i)).ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RejectsAShapeThatDoesNotHoldTheData()
    {
        var path = Path.Combine(Path.GetTempPath(), $"myopia-npy-{Guid.NewGuid():N}.npy");
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new float[6], 4, 2));
        Assert.False(File.Exists(path));
    }
}
