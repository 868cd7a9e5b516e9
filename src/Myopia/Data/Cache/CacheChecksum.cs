using System.Numerics;
using System.Runtime.InteropServices;

namespace Myopia.Data.Cache;

/// <summary>
/// A Fletcher-style 64-bit checksum over 8-byte words, vectorised: each lane keeps a running sum
/// and a sum of running sums, so both changed bytes and moved blocks alter the result. Fast enough
/// (several GB/s) that a cached dataset is verified on every load without being noticed.
/// </summary>
public sealed class CacheChecksum
{
    private Vector<ulong> sum = Vector<ulong>.Zero;
    private Vector<ulong> sumOfSums = Vector<ulong>.Zero;
    private ulong tail;
    private ulong length;

    /// <summary>Adds a block; blocks must be fed in the same order when verifying.</summary>
    public void Add(ReadOnlySpan<byte> data)
    {
        length += (ulong)data.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(words);
        Vector<ulong> s = sum, ss = sumOfSums;
        foreach (var v in vectors)
        {
            s += v;
            ss += s;
        }
        sum = s;
        sumOfSums = ss;
        for (var i = vectors.Length * Vector<ulong>.Count; i < words.Length; i++)
            tail = tail * 31 + words[i] + 1;
        for (var i = words.Length * 8; i < data.Length; i++)
            tail = tail * 31 + data[i] + 1;
        // Fold the vectors at block boundaries so blocks of different lengths cannot alias.
        tail = tail * 1_000_003 + (ulong)data.Length;
    }

    public ulong Value
    {
        get
        {
            ulong result = 0xcbf29ce484222325UL ^ length;
            for (var i = 0; i < Vector<ulong>.Count; i++)
                result = (result ^ sum[i]) * 0x100000001b3UL ^ sumOfSums[i] * 0x9E3779B97F4A7C15UL;
            return result ^ tail * 0xff51afd7ed558ccdUL;
        }
    }
}
