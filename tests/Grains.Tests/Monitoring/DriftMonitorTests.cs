using OrleansInference.Grains.Monitoring;

namespace OrleansInference.Grains.Tests.Monitoring;

public sealed class DriftMonitorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("oi-drift-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Psi_MatchesAHandComputedCase()
    {
        // (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.173287 + 0.101366
        Assert.Equal(0.274653, DriftMonitor.Psi([0.25, 0.75], [0.5, 0.5]), 6);
        Assert.Equal(0, DriftMonitor.Psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 12);
    }

    [Fact]
    public void Report_BinsLiveRowsAgainstTheProfile_AndJudgesOnlyAfterTheMinimumSample()
    {
        File.WriteAllText(Path.Combine(_directory, ReferenceProfile.FileName), """
            {"features": [{"name": "a", "edges": [0.0], "fractions": [0.5, 0.5]},
                          {"name": "b", "edges": [10.0, 20.0], "fractions": [0.2, 0.3, 0.5]}],
             "class_fractions": [0.5, 0.5]}
            """);
        var monitor = new DriftMonitor(ReferenceProfile.TryLoad(_directory)!, ["b", "a"]);

        monitor.ObserveRows([5f, -1f, 15f, 1f], 2);
        Assert.Equal("insufficient_data", monitor.Report("m", "1").Status);

        var rows = new float[2 * 200];
        for (var r = 0; r < 200; r++)
        {
            rows[r * 2] = r % 10 < 2 ? 5f : r % 10 < 5 ? 15f : 25f; // b follows its profile
            rows[(r * 2) + 1] = r % 4 == 0 ? -1f : 1f;                // a: 25% / 75% instead of 50% / 50%
            monitor.ObservePrediction(0);
        }

        monitor.ObserveRows(rows, 200);
        var report = monitor.Report("m", "1");

        Assert.Equal(202, report.Rows);
        var a = Assert.Single(report.Features, f => f.Feature == "a");
        var b = Assert.Single(report.Features, f => f.Feature == "b");
        Assert.Equal("a", report.Features[0].Feature);
        Assert.InRange(a.Psi, 0.25, 0.30);
        Assert.Equal("drift", report.Status);
        Assert.True(b.Psi < 0.01, $"b: {b.Psi}");
        Assert.True(report.PredictionPsi > 1, "all predictions in one class of a 50/50 profile");

        monitor.Reset();
        Assert.Equal(0, monitor.Report("m", "1").Rows);
    }

    [Fact]
    public void BulkObservation_CountsExactlyAsRowByRow()
    {
        File.WriteAllText(Path.Combine(_directory, ReferenceProfile.FileName), """
            {"features": [{"name": "a", "edges": [0.0], "fractions": [0.5, 0.5]},
                          {"name": "b", "edges": [10.0, 20.0], "fractions": [0.2, 0.3, 0.5]}],
             "class_fractions": [0.3, 0.3, 0.4]}
            """);
        var profile = ReferenceProfile.TryLoad(_directory)!;
        var bulk = new DriftMonitor(profile, ["b", "a", "ignored"]);
        var single = new DriftMonitor(profile, ["b", "a", "ignored"]);
        var random = new Random(3);
        var rows = new float[3 * 1000];
        var predictions = new OrleansInference.Contracts.Models.RowPrediction[1000];
        for (var r = 0; r < 1000; r++)
        {
            rows[r * 3] = random.NextSingle() * 40f;
            rows[(r * 3) + 1] = random.NextSingle() - 0.3f;
            rows[(r * 3) + 2] = 99f;
            predictions[r] = new OrleansInference.Contracts.Models.RowPrediction(r % 7 == 0 ? 2 : r % 3 == 0 ? 1 : 0, null, null, null);
        }

        bulk.ObserveRows(rows, 1000);
        bulk.ObservePredictions(predictions);
        for (var r = 0; r < 1000; r++)
        {
            single.ObserveRows(rows.AsSpan(r * 3, 3), 1);
            single.ObservePrediction((int)predictions[r].Prediction);
        }

        var expected = single.Report("m", "1");
        var actual = bulk.Report("m", "1");
        Assert.Equal(1000, actual.Rows);
        Assert.Equal(expected.Features.Select(f => f.Psi), actual.Features.Select(f => f.Psi));
        Assert.Equal(expected.PredictionPsi, actual.PredictionPsi);
    }

    [Fact]
    public void BinOf_AFloatEqualToAnEdge_FallsInThatEdgesBin()
    {
        // 0.2f is 0.200000003 as a double, above the edge 0.2; 1.4f and 3.3f are just below theirs.
        var bins = new FeatureBins("f", [0.2, 1.4, 3.3], new double[4]);

        Assert.Equal(0, bins.BinOf(0.2f));
        Assert.Equal(1, bins.BinOf(1.4f));
        Assert.Equal(2, bins.BinOf(3.3f));
        Assert.Equal(1, bins.BinOf(0.3f));
        Assert.Equal(3, bins.BinOf(3.31f));
    }

    [Fact]
    public void Report_TheIrisDataAgainstTheIrisProfile_IsStable()
    {
        // The profile is of the 120-row training split; the whole data set follows the same distribution.
        var profile = ReferenceProfile.TryLoad(Path.Combine(RepositoryRoot.Models(), "iris", "1"))!;
        var names = profile.Features.Select(f => f.Name).ToArray();
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Models(), "..", "data", "iris.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        var rows = lines.SelectMany(l => l.Split(',').Take(4).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var monitor = new DriftMonitor(profile, names);

        monitor.ObserveRows(rows, lines.Length);
        var report = monitor.Report("iris", "1");

        Assert.Equal(150, report.Rows);
        Assert.All(report.Features, f => Assert.True(f.Psi < 0.1, $"'{f.Feature}': PSI {f.Psi}, live {string.Join(", ", f.LiveFractions)} vs reference {string.Join(", ", f.ReferenceFractions)}"));
        Assert.Equal("stable", report.Status);
    }

    [Theory]
    [InlineData(new double[] { 0.0 })]
    [InlineData(new double[] { -1.5, 0.0, 2.0, 2.0, 3.25, 10.0, 11.0, 12.0, 40.0 })]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void BinOf_IsTheFirstEdgeAtLeastTheValue(double[] edges)
    {
        var bins = new FeatureBins("f", edges, new double[edges.Length + 1]);
        var random = new Random(11);
        var values = edges.Concat([double.NaN, double.NegativeInfinity, double.PositiveInfinity, -100, 100])
            .Concat(Enumerable.Range(0, 2000).Select(_ => (random.NextDouble() * 60) - 10));
        foreach (var value in values)
        {
            var expected = 0;
            while (expected < edges.Length && value > edges[expected])
            {
                expected++;
            }

            Assert.True(expected == bins.BinOf(value), $"value {value}: expected bin {expected}, got {bins.BinOf(value)}");
        }
    }

    [Fact]
    public void TryLoad_EdgesOutOfOrder_NamesTheFeature()
    {
        File.WriteAllText(Path.Combine(_directory, ReferenceProfile.FileName), """
            {"features": [{"name": "radius", "edges": [1.0, 3.0, 2.0], "fractions": [0.25, 0.25, 0.25, 0.25]}]}
            """);

        var ex = Assert.Throws<InvalidDataException>(() => ReferenceProfile.TryLoad(_directory));
        Assert.Contains("'radius' has edges out of order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_MissingFileIsNull_InvalidFileNamesTheProblem()
    {
        Assert.Null(ReferenceProfile.TryLoad(_directory));

        File.WriteAllText(Path.Combine(_directory, ReferenceProfile.FileName), """{"features": [{"name": "a", "edges": [0.0], "fractions": [1.0]}]}""");
        var error = Assert.Throws<InvalidDataException>(() => ReferenceProfile.TryLoad(_directory));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }
}
