using System.Text;
using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

public sealed class BatchInputPlannerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "oi-plan-" + Guid.NewGuid().ToString("N") + ".csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task PlanAsync_splits_records_into_chunks_of_whole_lines_skipping_the_header_and_blank_lines()
    {
        await File.WriteAllTextAsync(_path, "\r\na,b\r\n1,2\r\n\r\n3,4\n5,6\n7,8");

        var plan = await BatchInputPlanner.PlanAsync(_path, hasHeader: true, chunkRows: 2, CancellationToken.None);

        Assert.Equal("a,b", plan.Header);
        Assert.Equal(4, plan.RowsTotal);
        Assert.Equal(2, plan.Chunks.Count);
        var bytes = await File.ReadAllBytesAsync(_path);
        Assert.Equal("1,2\r\n\r\n3,4\n", Encoding.UTF8.GetString(bytes, (int)plan.Chunks[0].Offset, plan.Chunks[0].Length));
        Assert.Equal("5,6\n7,8", Encoding.UTF8.GetString(bytes, (int)plan.Chunks[1].Offset, plan.Chunks[1].Length));
        Assert.Equal((0L, 2), (plan.Chunks[0].FirstRow, plan.Chunks[0].Rows));
        Assert.Equal((2L, 2), (plan.Chunks[1].FirstRow, plan.Chunks[1].Rows));
    }

    [Fact]
    public async Task PlanAsync_lines_and_the_header_may_straddle_read_buffers()
    {
        // The planner reads 1 MiB at a time: a header longer than that, a blank line of spaces across a boundary, and records either side.
        var header = string.Join(',', Enumerable.Range(0, 120_000).Select(i => $"f{i}"));
        var blank = new string(' ', 1 << 20);
        var record = new string('1', 300_000);
        await File.WriteAllTextAsync(_path, $"{header}\n{record}\n{blank}\n{record}\n{record}");

        var plan = await BatchInputPlanner.PlanAsync(_path, hasHeader: true, chunkRows: 2, CancellationToken.None);

        Assert.Equal(header, plan.Header);
        Assert.Equal(3, plan.RowsTotal);
        Assert.Equal([2, 1], plan.Chunks.Select(c => c.Rows));
        Assert.Equal(header.Length + 1, plan.Chunks[0].Offset);
        Assert.Equal(record.Length + 1 + blank.Length + 1 + record.Length + 1, plan.Chunks[0].Length);
        Assert.Equal(record.Length, plan.Chunks[1].Length);
    }

    [Fact]
    public async Task PlanAsync_json_lines_have_no_header_and_a_short_last_chunk()
    {
        await File.WriteAllTextAsync(_path, "{}\n{}\n{}\n");

        var plan = await BatchInputPlanner.PlanAsync(_path, hasHeader: false, chunkRows: 2, CancellationToken.None);

        Assert.Null(plan.Header);
        Assert.Equal(3, plan.RowsTotal);
        Assert.Equal([2, 1], plan.Chunks.Select(c => c.Rows));
    }

    [Fact]
    public async Task PlanAsync_empty_csv_is_refused()
    {
        await File.WriteAllTextAsync(_path, "\n\n");

        await Assert.ThrowsAsync<InvalidDataException>(() => BatchInputPlanner.PlanAsync(_path, hasHeader: true, chunkRows: 2, CancellationToken.None));
    }
}
