using System.Globalization;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>Checks a CSV output file: every input row exactly once, in order, each matching the direct prediction.</summary>
internal static class BatchOutputAssert
{
    public static void CsvMatches(string path, long rows, IReadOnlyList<ExpectedPrediction> expected)
    {
        using var reader = new StreamReader(path);
        Assert.Equal("row_id,prediction,label,confidence", reader.ReadLine());
        long next = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var fields = line.Split(',');
            var rowId = long.Parse(fields[0], CultureInfo.InvariantCulture);
            Assert.True(rowId == next, $"output row {next}: expected row_id {next}, got {rowId} (a row is missing, repeated or out of order)");
            var want = expected[(int)(rowId % expected.Count)];
            var prediction = double.Parse(fields[1], CultureInfo.InvariantCulture);
            var confidence = float.Parse(fields[3], CultureInfo.InvariantCulture);
            Assert.True(
                prediction == want.Prediction && fields[2] == want.Label && Math.Abs(confidence - want.Confidence) < 1e-4,
                $"row {rowId}: expected {want}, got '{line}'");
            next++;
        }

        Assert.Equal(rows, next);
    }
}
