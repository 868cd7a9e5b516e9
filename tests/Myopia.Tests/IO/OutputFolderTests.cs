using Myopia.IO;

namespace Myopia.Tests.IO;

public class OutputFolderTests
{
    [Fact]
    public void AnExistingFileIsNeverTakenForAFolder()
    {
        var file = Path.GetTempFileName();
        try
        {
            Assert.Contains("existing file", Assert.Throws<MyopiaException>(() => OutputFolder.Resolve(file, "eval")).Message);
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void AFolderIsCreatedAndAnUnwritableOneRefusedBeforeWork()
    {
        var root = Directory.CreateTempSubdirectory("myopia-out-").FullName;
        try
        {
            var made = OutputFolder.Resolve(Path.Combine(root, "a", "b"), "eval");
            Assert.True(Directory.Exists(made));
            Assert.Empty(Directory.GetFileSystemEntries(made)); // the write probe leaves nothing behind
            if (Environment.UserName != "root") // root writes anywhere
            {
                File.SetUnixFileMode(made, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                Assert.Contains("cannot write", Assert.Throws<MyopiaException>(() => OutputFolder.Resolve(made, "eval")).Message);
                File.SetUnixFileMode(made, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void TheDefaultIsAFreshRunFolderNamedForTheCommand()
    {
        var path = OutputFolder.DefaultFor("heatmap");
        Assert.StartsWith(Path.Combine("runs", "heatmap-"), path);
        Assert.False(Directory.Exists(path));
    }
}
