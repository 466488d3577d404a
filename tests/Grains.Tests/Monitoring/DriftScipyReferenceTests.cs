using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansInference.Grains.Monitoring;

namespace OrleansInference.Grains.Tests.Monitoring;

/// <summary>
/// The drift monitor's PSI and KS on the shipped data sets agree with figures SciPy computes independently from the
/// raw CSV (<c>drift_reference.py</c>, run with Debian's <c>/usr/bin/python3</c> and <c>python3-scipy</c>): the whole
/// data set against its training profile (no drift) and one class alone (drift).
/// </summary>
public sealed class DriftScipyReferenceTests
{
    private const string Python = "/usr/bin/python3";

    [Theory]
    [InlineData("iris", "iris.csv", null)]
    [InlineData("iris", "iris.csv", 0)]
    [InlineData("iris", "iris.csv", 2)]
    [InlineData("breast-cancer", "breast_cancer.csv", null)]
    [InlineData("breast-cancer", "breast_cancer.csv", 1)]
    public async Task PsiAndKs_MatchScipy(string model, string dataFile, int? onlyClass)
    {
        var profileDirectory = Path.Combine(RepositoryRoot.Models(), model, "1");
        var dataPath = Path.Combine(RepositoryRoot.Models(), "..", "data", dataFile);
        var profile = ReferenceProfile.TryLoad(profileDirectory)!;
        var names = profile.Features.Select(f => f.Name).ToArray();

        var (rows, rowCount) = ReadRows(dataPath, names.Length, onlyClass);
        var monitor = new DriftMonitor(profile, names);
        monitor.ObserveRows(rows, rowCount);
        var report = monitor.Report(model, "1");

        var reference = await RunScipyAsync(Path.Combine(profileDirectory, ReferenceProfile.FileName), dataPath, onlyClass);
        Assert.Equal(rowCount, reference.GetProperty("rows").GetInt32());
        var mismatches = new List<string>();
        foreach (var feature in report.Features)
        {
            var expected = reference.GetProperty("features").GetProperty(feature.Feature);
            var psi = expected.GetProperty("psi").GetDouble();
            var ks = expected.GetProperty("ks").GetDouble();
            if (Math.Abs(feature.Psi - psi) > 1e-4 + (1e-3 * psi) || Math.Abs(feature.Ks - ks) > 1e-4)
            {
                mismatches.Add($"{model} '{feature.Feature}' (class {onlyClass?.ToString(CultureInfo.InvariantCulture) ?? "all"}): grid psi {feature.Psi} ks {feature.Ks}, scipy psi {psi:R} ks {ks:R}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
        Assert.Equal(names.Length, report.Features.Count);

        // The whole data set is close to its training split; one class alone is not.
        if (onlyClass is null)
        {
            Assert.All(report.Features, f => Assert.True(f.Psi < 0.1, $"{f.Feature}: psi {f.Psi} on the full data set"));
        }
        else
        {
            Assert.Contains(report.Features, f => f.Psi > 0.25 && f.Ks > 0.2);
        }
    }

    private static (float[] Rows, int Count) ReadRows(string path, int features, int? onlyClass)
    {
        var values = new List<float>();
        var count = 0;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            if (onlyClass is { } wanted && int.Parse(cells[^1], CultureInfo.InvariantCulture) != wanted)
            {
                continue;
            }

            for (var f = 0; f < features; f++)
            {
                values.Add((float)double.Parse(cells[f], CultureInfo.InvariantCulture));
            }

            count++;
        }

        return ([.. values], count);
    }

    private static async Task<JsonElement> RunScipyAsync(string profilePath, string dataPath, int? onlyClass)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; install Debian's python3 and python3-scipy.");
        var script = Path.Combine(RepositoryRoot.Models(), "..", "tests", "Grains.Tests", "Monitoring", "drift_reference.py");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { script, profilePath, dataPath }.Concat(onlyClass is { } c ? [c.ToString(CultureInfo.InvariantCulture)] : []))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"drift_reference.py exited with {process.ExitCode}: {await error}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }
}
