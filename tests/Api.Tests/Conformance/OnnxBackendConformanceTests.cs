using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OrleansInference.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>
/// ONNX's backend test data (Debian <c>libonnx-testdata</c>) through the grid: every case whose inputs and outputs
/// are tensors runs through ONNX Runtime directly and, registered as a model with a config from its declared shapes,
/// through <c>POST /v2/models/{m}/versions/1/infer</c> on a real server, twice. A case passes when every data set's
/// outputs match the expected ones within ONNX's tolerances; on the grid the two answers must also be identical.
/// The grid must pass at least 99% of the cases ONNX Runtime passes directly.
/// </summary>
public sealed class OnnxBackendConformanceTests(ITestOutputHelper output)
{
    private const double RequiredShare = 0.99;

    [Fact]
    public async Task BackendTestData_GridPassesWhatOnnxRuntimePassesDirectly()
    {
        var root = OnnxBackendTestData.FindRoot();
        Assert.True(root is not null,
            "ONNX's backend test data is missing: install Debian's libonnx-testdata (apt-get install libonnx-testdata, as .ci/run does) or set ONNX_BACKEND_TEST_DATA to its data folder.");

        var cases = OnnxBackendTestData.EnumerateCases(root).ToList();
        var outcomes = cases.Select(c => new CaseOutcome(c)).ToArray();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));

        // ONNX Runtime directly: the reference for what can pass.
        await Parallel.ForEachAsync(outcomes, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = timeout.Token }, (outcome, _) =>
        {
            RunDirect(outcome);
            return ValueTask.CompletedTask;
        });

        var served = outcomes.Where(o => o.DataSets is not null).ToArray();
        for (var i = 0; i < served.Length; i++)
        {
            served[i].ModelName = ConformanceModels.ModelName(i);
        }

        await using (var server = await ApiServer.StartAsync(
            prepare: modelRoot =>
            {
                for (var i = 0; i < served.Length; i++)
                {
                    ConformanceModels.Write(modelRoot, i, served[i].Case, served[i].DataSets![0]);
                }
            },
            settings: new Dictionary<string, string> { ["ModelRepository:LoadProductionModelsAtStartup"] = "false" }))
        {
            await Parallel.ForEachAsync(served, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = timeout.Token }, async (outcome, ct) =>
                await RunOnGridAsync(server.Client, outcome, ct));
        }

        var report = Report(outcomes);
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("ONNX_CONFORMANCE_REPORT") is { Length: > 0 } reportPath)
        {
            await File.WriteAllTextAsync(reportPath, report, timeout.Token);
        }

        var directPasses = outcomes.Count(o => o.DirectError is null && o.DataSets is not null);
        var gridPasses = outcomes.Count(o => o.DirectError is null && o.GridError is null && o.DataSets is not null);
        Assert.True(directPasses > 900, $"Only {directPasses} cases pass on ONNX Runtime directly; the test data looks incomplete.\n{report}");
        Assert.True(gridPasses >= Math.Ceiling(RequiredShare * directPasses),
            $"The grid passes {gridPasses} of the {directPasses} cases ONNX Runtime passes directly; at least {RequiredShare:P0} are required.\n{report}");
    }

    private static void RunDirect(CaseOutcome outcome)
    {
        var testCase = outcome.Case;
        if (testCase.Unrepresentable is { } why)
        {
            outcome.Excluded = why;
            return;
        }

        try
        {
            outcome.DataSets = testCase.ReadDataSets();
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            outcome.Excluded = "test data: " + ex.Message;
            return;
        }

        if (outcome.DataSets.Count == 0)
        {
            outcome.Excluded = "no data sets";
            outcome.DataSets = null;
            return;
        }

        using var session = OrtDirectRunner.TryLoad(testCase, out var loadError);
        if (session is null)
        {
            outcome.DirectError = loadError;
            return;
        }

        foreach (var set in outcome.DataSets)
        {
            try
            {
                var actual = OrtDirectRunner.Run(session, set);
                outcome.DirectOutputs.Add(actual);
                if (OutputComparison.Compare(set.Outputs, actual) is { } difference)
                {
                    outcome.DirectError = $"{set.Name}: {difference}";
                    return;
                }
            }
            catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or NotSupportedException or InvalidDataException)
            {
                outcome.DirectError = $"{set.Name}: run: {ex.Message}";
                return;
            }
        }
    }

    private static async Task RunOnGridAsync(HttpClient client, CaseOutcome outcome, CancellationToken cancellationToken)
    {
        foreach (var set in outcome.DataSets!)
        {
            var first = await GridInferClient.InferAsync(client, outcome.ModelName!, "1", set.Inputs, cancellationToken);
            if (first.Outputs is null)
            {
                outcome.GridError = $"{set.Name}: HTTP {first.StatusCode}: {first.Error}";
                return;
            }

            if (OutputComparison.Compare(set.Outputs, first.Outputs) is { } difference)
            {
                outcome.GridError = $"{set.Name}: {difference}";
                return;
            }

            var second = await GridInferClient.InferAsync(client, outcome.ModelName!, "1", set.Inputs, cancellationToken);
            if (second.Outputs is null || !OutputComparison.Identical(first.Outputs, second.Outputs))
            {
                outcome.GridError = $"{set.Name}: a second identical request answered differently ({(second.Outputs is null ? $"HTTP {second.StatusCode}: {second.Error}" : "other output bits")})";
                return;
            }

            outcome.GridOutputs.Add(first.Outputs);
        }
    }

    private static string Report(IReadOnlyList<CaseOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.AppendLine("| Suite | Cases | Tensor-only | ORT direct passes | Grid passes | Grid passes of ORT's | Grid output bit-identical to ORT direct |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in outcomes.GroupBy(o => o.Case.Suite).Append(null))
        {
            var rows = group?.ToArray() ?? [.. outcomes];
            var tensorOnly = rows.Count(o => o.DataSets is not null);
            var direct = rows.Count(o => o.DataSets is not null && o.DirectError is null);
            var grid = rows.Count(o => o.DataSets is not null && o.GridError is null && o.ModelName is not null);
            var both = rows.Count(o => o.DataSets is not null && o.DirectError is null && o.GridError is null);
            var identical = rows.Count(o => o.DataSets is not null && o.DirectError is null && o.GridError is null
                && o.DirectOutputs.Count == o.GridOutputs.Count && o.DirectOutputs.Zip(o.GridOutputs).All(p => OutputComparison.Identical(p.First, p.Second)));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group?.Key ?? "**all**"} | {rows.Length} | {tensorOnly} | {direct} | {grid} | {both} ({(direct == 0 ? 0 : (double)both / direct):P1}) | {identical} |");
        }

        text.AppendLine();
        text.AppendLine("Passed by ONNX Runtime directly, failed on the grid:");
        foreach (var o in outcomes.Where(o => o.DataSets is not null && o.DirectError is null && o.GridError is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {o.Case.Id}: {Shorten(o.GridError!)}");
        }

        text.AppendLine();
        text.AppendLine("Passed on the grid, failed on ONNX Runtime directly:");
        foreach (var o in outcomes.Where(o => o.DataSets is not null && o.DirectError is not null && o.GridError is null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {o.Case.Id}: {Shorten(o.DirectError!)}");
        }

        text.AppendLine();
        text.AppendLine("Failed on ONNX Runtime directly:");
        foreach (var o in outcomes.Where(o => o.DataSets is not null && o.DirectError is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {o.Case.Id}: {Shorten(o.DirectError!)}");
        }

        text.AppendLine();
        text.AppendLine("Not tensor-only (out of scope for KServe v2):");
        foreach (var o in outcomes.Where(o => o.DataSets is null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {o.Case.Id}: {o.Excluded}");
        }

        return text.ToString();
    }

    private static string Shorten(string message) => message.Length <= 240 ? message : message[..240] + "…";

    private sealed class CaseOutcome(OnnxBackendCase testCase)
    {
        public OnnxBackendCase Case { get; } = testCase;

        public IReadOnlyList<OnnxBackendDataSet>? DataSets { get; set; }

        public string? Excluded { get; set; }

        public string? DirectError { get; set; }

        public string? ModelName { get; set; }

        public string? GridError { get; set; }

        public List<IReadOnlyList<ReferenceTensor>> DirectOutputs { get; } = [];

        public List<IReadOnlyList<ReferenceTensor>> GridOutputs { get; } = [];
    }
}
