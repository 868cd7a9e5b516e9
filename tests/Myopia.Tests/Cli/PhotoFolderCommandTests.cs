using System.Text.Json;
using Myopia.Tests.Data;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Cli;

/// <summary>
/// A folder of photos of mixed sizes, streamed, through every command of the tile study from the CLI:
/// tile training, evaluation on full images and by patch-averaged logits (mode B), heatmaps and agreement.
/// The run records the dataset's resize and crop, later commands rebuild the same images from it, and a
/// skipped undecodable file is listed in each run folder.
/// </summary>
public class PhotoFolderCommandTests
{
    [Fact]
    public void TileStudyRunsEndToEndOnAStreamedPhotoFolder()
    {
        using var temp = new TempFolder();
        int image = 0;
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "bird", "cat", "ship" })
                for (int k = 0; k < (split == "train" ? 8 : 3); k++, image++)
                {
                    var (w, h) = (k % 3) switch { 0 => (50, 38), 1 => (38, 50), _ => (64, 48) };
                    OfficialFormatFiles.WriteBytes(temp[$"{split}/{cls}/{k}.jpg"], OfficialFormatFiles.Jpeg(image, w, h));
                }
        OfficialFormatFiles.WriteBytes(temp["train/cat/zz-broken.jpg"], [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);
        var data = "imagefolder:resize=36,crop=32,stream=yes,on-bad-image=skip";
        var run = temp["run"];

        var train = CliProcess.Run("train", "--data", data, "--data-dir", temp.Path, "--model", "smallcnn", "--tile", "16",
            "--epochs", "1", "--batch", "8", "--out", run);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("streamed from the files", train.Stderr);
        Assert.Contains("train/cat/zz-broken.jpg", File.ReadAllText(Path.Combine(run, "skipped-images.tsv")));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
            Assert.Equal(data, config.RootElement.GetProperty("data").GetString());

        // Later commands take the dataset (options included) from the checkpoint.
        var eval = CliProcess.Run("eval", "--model", run, "--data-dir", temp.Path, "--mode", "both", "--stride", "4", "--batch", "2",
            "--out", Path.Combine(run, "eval"), "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using (var result = JsonDocument.Parse(eval.Stdout))
        {
            var modes = result.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(2, modes.Count);
            Assert.All(modes, m => Assert.Equal(9, m.GetProperty("count").GetInt32()));
        }
        Assert.True(File.Exists(Path.Combine(run, "eval", "skipped-images.tsv")));

        var heatmap = CliProcess.Run("heatmap", "--model", run, "--data-dir", temp.Path, "--test-limit", "3", "--batch", "1", "--out", temp["heat"]);
        Assert.True(heatmap.ExitCode == 0, heatmap.Stderr);
        Assert.NotEmpty(Directory.GetFiles(temp["heat"], "*.png", SearchOption.AllDirectories));

        var agreement = CliProcess.Run("agreement", "--model", run, "--data-dir", temp.Path, "--tiles", "16,24", "--stride", "8",
            "--batch", "1", "--out", temp["agree"], "--json");
        Assert.True(agreement.ExitCode == 0, agreement.Stderr);
        using (var result = JsonDocument.Parse(agreement.Stdout))
            Assert.Equal(9, result.RootElement.GetProperty("images").GetInt32());
    }

    [Fact]
    public void AnUndecodableFileStopsTheCommandNamingIt()
    {
        using var temp = new TempFolder();
        int image = 0;
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "a", "b" })
                for (int k = 0; k < 2; k++)
                    OfficialFormatFiles.WriteBytes(temp[$"{split}/{cls}/{k}.png"], OfficialFormatFiles.Png(image++, 20 + k, 20));
        OfficialFormatFiles.WriteBytes(temp["test/b/bad.png"], [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0]);
        var o = CliProcess.Run("eval", "--model", "smallcnn", "--classes", "2", "--data", "imagefolder:resize=16,crop=16,stream=yes",
            "--data-dir", temp.Path, "--out", temp["eval"]);
        Assert.Equal(2, o.ExitCode);
        Assert.DoesNotContain("   at ", o.Stderr);
        Assert.Contains("error: ", o.Stderr);
        Assert.Contains("test/b/bad.png", o.Stderr);
    }
}
