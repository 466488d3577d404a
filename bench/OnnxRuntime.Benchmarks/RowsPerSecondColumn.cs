using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OrleansInference.OnnxRuntime.Benchmarks;

/// <summary>Rows per second: the benchmark's <c>Batch</c> parameter divided by its mean time.</summary>
public sealed class RowsPerSecondColumn : IColumn
{
    public string Id => nameof(RowsPerSecondColumn);

    public string ColumnName => "Rows/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Rows (batch size) processed per second, from the mean time per run";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        var batch = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Batch")?.Value;
        if (report?.ResultStatistics is not { } stats || batch is not int rows)
        {
            return "-";
        }

        return (rows / (stats.Mean * 1e-9)).ToString("N0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
