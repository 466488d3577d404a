using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansInference.Grains.Registry;
using OrleansInference.Grains.Reminders;

namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>The reminder table's contract on a real SQLite file: rows, ETags, grain and ring-range reads, services.</summary>
public sealed class SqliteReminderTableTests : IAsyncLifetime
{
    private static readonly DateTime Start = new(2026, 12, 6, 20, 0, 0, 123, DateTimeKind.Utc);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oi-rem-" + Guid.NewGuid().ToString("N"));
    private SqliteReminderTable _table = null!;

    private string DatabasePath => Path.Combine(_folder, "reminders.db");

    public async Task InitializeAsync() => _table = await OpenAsync("svc-a");

    public async Task DisposeAsync()
    {
        await _table.StopAsync(CancellationToken.None);
        _table.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task UpsertRow_NewReminder_ReadRowReturnsItWithTheReturnedETag()
    {
        var grain = Grain("job-1");
        var etag = await UpsertAsync(_table, Entry(grain, "resume", TimeSpan.FromMinutes(1)), CancellationToken.None);

        var row = await _table.ReadRow(grain, "resume", CancellationToken.None);
        Assert.NotNull(row);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(etag, row.ETag);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("resume", row.ReminderName);
        Assert.Equal(Start, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), row.Period);
    }

    [Fact]
    public async Task ReadRow_Unknown_ReturnsNull()
    {
        Assert.Null(await _table.ReadRow(Grain("nobody"), "resume", CancellationToken.None));
    }

    [Fact]
    public async Task UpsertRow_Existing_ReplacesTheRowAndIssuesANewETag()
    {
        var ct = CancellationToken.None;
        var grain = Grain("job-1");
        var first = await UpsertAsync(_table, Entry(grain, "resume", TimeSpan.FromMinutes(1)), ct);
        var updated = Entry(grain, "resume", TimeSpan.FromMinutes(2));
        updated.StartAt = Start.AddHours(1);
        updated.ETag = first;
        var second = await UpsertAsync(_table, updated, ct);

        Assert.NotEqual(first, second);
        var rows = await _table.ReadRows(grain, ct);
        var row = Assert.Single(rows.Reminders);
        Assert.Equal(second, row.ETag);
        Assert.Equal(TimeSpan.FromMinutes(2), row.Period);
        Assert.Equal(Start.AddHours(1), row.StartAt);
    }

    [Fact]
    public async Task RemoveRow_StaleETag_IsRefusedAndTheRowStays()
    {
        var ct = CancellationToken.None;
        var grain = Grain("job-1");
        var stale = await UpsertAsync(_table, Entry(grain, "resume", TimeSpan.FromMinutes(1)), ct);
        var current = await UpsertAsync(_table, Entry(grain, "resume", TimeSpan.FromMinutes(1)), ct);

        Assert.False(await _table.RemoveRow(grain, "resume", stale, ct), "remove with the ETag of the first write must be refused after the second write");
        Assert.Equal(current, (await _table.ReadRow(grain, "resume", ct))?.ETag);
        Assert.True(await _table.RemoveRow(grain, "resume", current, ct));
        Assert.Null(await _table.ReadRow(grain, "resume", ct));
        Assert.False(await _table.RemoveRow(grain, "resume", current, ct), "a second remove finds no row");
    }

    [Fact]
    public async Task RemoveRow_OtherReminderName_LeavesTheGrainsOtherReminders()
    {
        var ct = CancellationToken.None;
        var grain = Grain("job-1");
        var resume = await UpsertAsync(_table, Entry(grain, "resume", TimeSpan.FromMinutes(1)), ct);
        await UpsertAsync(_table, Entry(grain, "report", TimeSpan.FromMinutes(5)), ct);
        await UpsertAsync(_table, Entry(Grain("job-2"), "resume", TimeSpan.FromMinutes(1)), ct);

        Assert.True(await _table.RemoveRow(grain, "resume", resume, ct));

        var left = await _table.ReadRows(grain, ct);
        Assert.Equal(["report"], left.Reminders.Select(r => r.ReminderName));
        Assert.Single((await _table.ReadRows(Grain("job-2"), ct)).Reminders);
    }

    [Fact]
    public async Task ReadRows_Grain_ReturnsOnlyThatGrainsReminders()
    {
        var ct = CancellationToken.None;
        await UpsertAsync(_table, Entry(Grain("job-1"), "resume", TimeSpan.FromMinutes(1)), ct);
        await UpsertAsync(_table, Entry(Grain("job-1"), "report", TimeSpan.FromMinutes(1)), ct);
        await UpsertAsync(_table, Entry(Grain("job-2"), "resume", TimeSpan.FromMinutes(1)), ct);

        var rows = await _table.ReadRows(Grain("job-1"), ct);

        Assert.Equal(["report", "resume"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(Grain("job-1"), r.GrainId));
    }

    [Fact]
    public async Task ReadRows_Range_ReturnsHashesAboveBeginUpToAndIncludingEnd()
    {
        var ct = CancellationToken.None;
        var byHash = await InsertGrainsAsync(20, ct);

        var rows = await _table.ReadRows(byHash[4].Hash, byHash[10].Hash, ct);

        AssertKeys(byHash.Skip(5).Take(6), rows, $"range ({byHash[4].Hash}, {byHash[10].Hash}]");
    }

    [Fact]
    public async Task ReadRows_RangeWithBeginAboveEnd_WrapsAroundTheRing()
    {
        var ct = CancellationToken.None;
        var byHash = await InsertGrainsAsync(20, ct);

        var rows = await _table.ReadRows(byHash[15].Hash, byHash[3].Hash, ct);

        AssertKeys(byHash.Skip(16).Concat(byHash.Take(4)), rows, $"wrapped range ({byHash[15].Hash}, {byHash[3].Hash}]");
    }

    [Fact]
    public async Task ReadRows_RangeWithBeginEqualToEnd_IsTheWholeRing()
    {
        var ct = CancellationToken.None;
        var byHash = await InsertGrainsAsync(20, ct);

        AssertKeys(byHash, await _table.ReadRows(byHash[7].Hash, byHash[7].Hash, ct), "range (h, h]");
        AssertKeys(byHash, await _table.ReadRows(0, 0, ct), "range (0, 0]");
    }

    [Fact]
    public async Task ReadRows_RangeAtTheEdgesOfTheRing_IncludesHashZeroOnlyWhenWrapping()
    {
        var ct = CancellationToken.None;
        var byHash = await InsertGrainsAsync(20, ct);

        AssertKeys(byHash, await _table.ReadRows(0, uint.MaxValue, ct), "range (0, max]");
        AssertKeys(byHash.Skip(1), await _table.ReadRows(byHash[0].Hash, uint.MaxValue, ct), "range (lowest, max]");
        AssertKeys(byHash.Take(1), await _table.ReadRows(uint.MaxValue, byHash[0].Hash, ct), "range (max, lowest]");
    }

    [Fact]
    public async Task Rows_SurviveClosingAndReopeningTheFile()
    {
        var ct = CancellationToken.None;
        var etag = await UpsertAsync(_table, Entry(Grain("job-1"), "resume", TimeSpan.FromMinutes(1)), ct);
        await _table.StopAsync(ct);
        _table.Dispose();

        _table = await OpenAsync("svc-a");

        Assert.Equal(etag, (await _table.ReadRow(Grain("job-1"), "resume", ct))?.ETag);
    }

    [Fact]
    public async Task Services_SharingOneFile_SeeAndClearOnlyTheirOwnReminders()
    {
        var ct = CancellationToken.None;
        using var other = await OpenAsync("svc-b");
        await UpsertAsync(_table, Entry(Grain("job-1"), "resume", TimeSpan.FromMinutes(1)), ct);
        await UpsertAsync(other, Entry(Grain("job-1"), "resume", TimeSpan.FromMinutes(3)), ct);

        await other.TestOnlyClearTable(ct);

        Assert.Empty((await other.ReadRows(0, 0, ct)).Reminders);
        var mine = Assert.Single((await _table.ReadRows(0, 0, ct)).Reminders);
        Assert.Equal(TimeSpan.FromMinutes(1), mine.Period);
        await other.StopAsync(ct);
    }

    [Fact]
    public async Task UpsertRow_FromTwoConnectionsAtOnce_KeepsEveryRow()
    {
        var ct = CancellationToken.None;
        using var other = await OpenAsync("svc-a");
        var writes = Enumerable.Range(0, 100).Select(i => UpsertAsync(i % 2 == 0 ? _table : other, Entry(Grain($"job-{i}"), "resume", TimeSpan.FromMinutes(1)), ct));

        var etags = await Task.WhenAll(writes);

        Assert.Equal(100, etags.Distinct().Count());
        Assert.Equal(100, (await _table.ReadRows(0, 0, ct)).Reminders.Count);
        await other.StopAsync(ct);
    }

    [Fact]
    public async Task Calls_BeforeStart_AreRefusedWithThePath()
    {
        using var table = Create("svc-a");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => table.ReadRows(Grain("job-1"), CancellationToken.None));

        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> UpsertAsync(SqliteReminderTable table, ReminderEntry entry, CancellationToken cancellationToken)
    {
        var etag = await table.UpsertRow(entry, cancellationToken);
        Assert.False(string.IsNullOrEmpty(etag), $"upsert of {entry}: expected an ETag, got none");
        return etag;
    }

    private static GrainId Grain(string key) => GrainId.Create("batchjob", key);

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = Start, Period = period };

    private static void AssertKeys(IEnumerable<(GrainId Grain, uint Hash)> expected, ReminderTableData actual, string range)
    {
        var want = expected.Select(e => e.Grain.ToString()).Order().ToList();
        var got = actual.Reminders.Select(r => r.GrainId.ToString()).Order().ToList();
        Assert.True(want.SequenceEqual(got), $"{range}: expected [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
    }

    private async Task<List<(GrainId Grain, uint Hash)>> InsertGrainsAsync(int count, CancellationToken cancellationToken)
    {
        var grains = Enumerable.Range(0, count).Select(i => Grain($"job-{i}")).Select(g => (Grain: g, Hash: g.GetUniformHashCode())).OrderBy(g => g.Hash).ToList();
        Assert.Equal(count, grains.Select(g => g.Hash).Distinct().Count());
        foreach (var (grain, _) in grains)
        {
            await UpsertAsync(_table, Entry(grain, "resume", TimeSpan.FromMinutes(1)), cancellationToken);
        }

        return grains;
    }

    private SqliteReminderTable Create(string serviceId) => new(
        Options.Create(new SqliteReminderTableOptions { SqlitePath = DatabasePath }),
        Options.Create(new RegistryOptions()),
        Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" }),
        new HostingEnvironment { ContentRootPath = _folder },
        NullLogger<SqliteReminderTable>.Instance);

    private async Task<SqliteReminderTable> OpenAsync(string serviceId)
    {
        var table = Create(serviceId);
        await table.StartAsync(CancellationToken.None);
        return table;
    }
}
