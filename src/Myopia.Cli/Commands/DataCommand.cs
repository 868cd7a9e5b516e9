using Myopia.IO;
using System.CommandLine;
using Myopia.Data;
using Myopia.Data.Fetching;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia data list | inspect | fetch</c>: what datasets exist, what one contains, and downloading one.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "list, inspect and fetch datasets");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(Fetch());
        return command;
    }

    private static Command List()
    {
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("list", "known datasets: format, official source, where they are looked for, whether present and cached");
        command.Options.Add(dataDir);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var rows = DatasetCatalog.All.Select(info => (Info: info, Status: DatasetAvailability.Check(info, parse.GetValue(dataDir)))).ToList();
            if (parse.GetValue(json))
            {
                JsonOutput.Print(new
                {
                    Datasets = rows.Select(r => new
                    {
                        r.Info.Name, r.Info.Format, r.Info.Description,
                        Urls = r.Info.Downloads.Select(d => d.Url).ToList(),
                        SearchedPlaces = r.Status.SearchedPlaces, r.Status.Location, r.Status.Present, r.Status.Cached,
                    }).ToList(),
                });
                return 0;
            }
            // Piped output has no terminal width; give the wide columns (URLs, paths) room rather than 80 columns.
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
            var table = new Table().AddColumns("name", "format", "official source", "looked for in", "present", "cached");
            foreach (var (info, status) in rows)
                table.AddRow(
                    new Text(info.Name), new Text(info.Format), new Text(Source(info)),
                    new Text(string.Join("\n", status.SearchedPlaces)),
                    new Text(status.Location ?? "no"), new Text(status.Cached ? "yes" : "no"));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string Source(DatasetInfo info) => info.Downloads.Count switch
    {
        0 => info.IsEmbedded ? "(generated)" : "(none: point --data-dir at your copy)",
        1 => info.Downloads[0].Url,
        var n => $"{n} files from {info.Downloads[0].Url[..(info.Downloads[0].Url.LastIndexOf('/') + 1)]}",
    };

    private static Command Inspect()
    {
        var target = new Argument<string>("dataset") { Description = "a dataset name (see 'myopia data list') or the path of a dataset folder or archive" };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("inspect", "counts per split and class, image size, bytes and per-channel mean/std of a dataset");
        command.Arguments.Add(target);
        command.Options.Add(dataDir);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var name = parse.GetValue(target)!;
            var info = DatasetCatalog.Find(DatasetCatalog.ParseName(name).Name);
            Action<string> log = message => Console.Error.WriteLine(message);
            LoadedDataset loaded;
            // The full name, so "synthetic:train_count=500" inspects that variant.
            if (info != null) loaded = DatasetCatalog.LoadWithSource(name, parse.GetValue(dataDir), log);
            else if (File.Exists(name) || Directory.Exists(name)) loaded = DatasetCatalog.LoadPath(name, log);
            else throw new MyopiaException($"'{name}' is neither a known dataset ({string.Join(", ", DatasetCatalog.Names)}) nor an existing folder or archive");
            using (loaded)
            {
                var summary = DatasetSummary.Of(loaded, info);
                if (parse.GetValue(json)) JsonOutput.Print(summary);
                else PrintSummary(summary);
            }
            return 0;
        });
        return command;
    }

    private static void PrintSummary(DatasetSummary s)
    {
        Console.WriteLine($"{s.Name}: {s.Format} from {s.Source}{(s.FromCache ? " (decoded-tensor cache)" : "")}");
        Console.WriteLine($"images: {s.Channels} x {s.Height} x {s.Width} (channels x height x width), {s.Classes} classes");
        Console.WriteLine($"train: {s.Train.Count:N0} images, {s.Train.Bytes / 1e6:N1} MB; test: {s.Test.Count:N0} images, {s.Test.Bytes / 1e6:N1} MB");
        string Numbers(float[] values) => string.Join(", ", values.Select(v => v.ToString("F4")));
        Console.WriteLine($"train mean ({Numbers(s.Mean)}), std ({Numbers(s.Std)})");
        if (s.PublishedMean != null && s.PublishedStd != null)
            Console.WriteLine($"published  ({Numbers(s.PublishedMean)}), std ({Numbers(s.PublishedStd)})");
        var table = new Table().AddColumns("class", "name", "train", "test");
        if (s.ClassWords is not null) table.AddColumn("words");
        for (var c = 0; c < s.Classes; c++)
        {
            var cells = new List<Text> { new(c.ToString()), new(s.ClassNames[c]), new(s.Train.PerClass[c].ToString("N0")), new(s.Test.PerClass[c].ToString("N0")) };
            if (s.ClassWords is { } words) cells.Add(new Text(words[c]));
            table.AddRow(cells);
        }
        AnsiConsole.Write(table);
    }

    private static Command Fetch()
    {
        var name = new Argument<string>("dataset") { Description = "the dataset to download (see 'myopia data list')" };
        var dest = new Option<string?>("--dest") { Description = "folder to download and extract into (default: $MYOPIA_DATA/NAME or ~/.myopia/data/NAME)" };
        var url = new Option<string?>("--url") { Description = "download from this URL instead (a mirror); for multi-file sets, the base URL the file names are appended to" };
        url.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } u && !(Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
                r.AddError($"--url must be an http:// or https:// address, got '{u}'");
        });
        var md5 = new Option<string?>("--md5") { Description = "expected MD5 of a single-archive download, replacing the official one (use with --url for a different file)" };
        md5.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } m && !(m.Length == 32 && m.All(Uri.IsHexDigit)))
                r.AddError($"--md5 must be 32 hexadecimal digits, got '{m}'");
        });
        var noExtract = new Option<bool>("--no-extract") { Description = "keep the archive as it is (the loaders read .tar.gz/.zip directly)" };
        var json = CommonOptions.Json();
        var command = new Command("fetch", "download a dataset's official files, verify their MD5 and extract them safely (resumes partial downloads)");
        command.Arguments.Add(name);
        foreach (var option in new Option[] { dest, url, md5, noExtract, json }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var info = DatasetCatalog.Get(parse.GetValue(name)!);
            // A --dest that is a file or cannot be written is refused before anything is downloaded.
            var destination = parse.GetValue(dest) is { } d ? OutputFolder.Resolve(d, "fetch", "--dest") : null;
            var progress = new ProgressLine();
            var result = new DatasetFetcher().Fetch(info, destination, parse.GetValue(url), parse.GetValue(md5),
                extract: !parse.GetValue(noExtract), progress: progress.Report, log: progress.Log);
            if (parse.GetValue(json)) JsonOutput.Print(result);
            else Console.WriteLine($"{info.Name}: {result.Files.Count} file(s) verified in {result.Destination}" +
                                   (result.ExtractedEntries.Count > 0 ? $", {result.ExtractedEntries.Count} extracted" : ""));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Download progress on stderr: one line rewritten in place on a terminal, a line every few
    /// seconds when stderr is a file or pipe (so logs stay readable).
    /// </summary>
    private sealed class ProgressLine
    {
        private readonly bool interactive = !Console.IsErrorRedirected;
        private DateTime lastLine = DateTime.MinValue;
        private bool open;

        public void Report(DownloadProgress p)
        {
            if (interactive)
            {
                Console.Error.Write("\r" + p.ToString().PadRight(Math.Max(0, Console.WindowWidth - 1)));
                open = !p.Finished;
                if (p.Finished) Console.Error.WriteLine();
            }
            else if (p.Finished || DateTime.UtcNow - lastLine > TimeSpan.FromSeconds(5))
            {
                lastLine = DateTime.UtcNow;
                Console.Error.WriteLine(p);
            }
        }

        public void Log(string message)
        {
            if (open) Console.Error.WriteLine();
            open = false;
            Console.Error.WriteLine(message);
        }
    }
}
