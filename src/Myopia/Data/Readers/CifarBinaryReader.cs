using static TorchSharp.torch;

namespace Myopia.Data.Readers;

/// <summary>
/// CIFAR-10 / CIFAR-100 binary releases: fixed-size records of label byte(s) then 1024 red, 1024
/// green, 1024 blue bytes (each a row-major 32x32 plane), which is already C x H x W order.
/// </summary>
public static class CifarBinaryReader
{
    /// <summary>CIFAR-10: 1 label byte, 3073-byte records.</summary>
    public static ImageDataset ReadCifar10(IEnumerable<string> files, string name, IReadOnlyList<string> classNames) =>
        Read(files, name, classNames, labelBytes: 1, labelIndex: 0);

    /// <summary>CIFAR-100: coarse then fine label byte, 3074-byte records; we use the fine label.</summary>
    public static ImageDataset ReadCifar100(string file, string name, IReadOnlyList<string> classNames) =>
        Read([file], name, classNames, labelBytes: 2, labelIndex: 1);

    private static ImageDataset Read(IEnumerable<string> files, string name, IReadOnlyList<string> classNames, int labelBytes, int labelIndex)
    {
        const int pixels = 3 * 32 * 32;
        int record = labelBytes + pixels;
        var images = new List<byte>();
        var allPixels = new MemoryStream();
        var labels = new List<long>();
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new MyopiaException($"missing CIFAR file {file}");
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new MyopiaException($"{Path.GetFileName(file)}: {bytes.Length:N0} bytes is not a whole number of {record}-byte records; truncated or not a CIFAR binary file");
            for (int offset = 0; offset < bytes.Length; offset += record)
            {
                int label = bytes[offset + labelIndex];
                if (label >= classNames.Count)
                    throw new MyopiaException($"{Path.GetFileName(file)}: label {label} at record {offset / record} is out of range (0-{classNames.Count - 1}); corrupt file");
                labels.Add(label);
                allPixels.Write(bytes, offset + labelBytes, pixels);
            }
        }
        int n = labels.Count;
        return new ImageDataset(name, tensor(allPixels.ToArray()).view(n, 3, 32, 32), tensor(labels.ToArray()), classNames);
    }
}
