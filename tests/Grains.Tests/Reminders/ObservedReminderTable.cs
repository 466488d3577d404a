using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;

namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>A reminder table that passes every call to the real one and reports the reminders it removed.</summary>
internal sealed class ObservedReminderTable(IReminderTable inner) : IReminderTable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _removed = new();

    /// <summary>Completes once reminder <paramref name="name"/> of <paramref name="grain"/> was removed from the table.</summary>
    public Task Removed(GrainId grain, string name) => Signal(grain, name).Task;

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

    public Task<string?> UpsertRow(ReminderEntry entry) => inner.UpsertRow(entry);

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var removed = await inner.RemoveRow(grainId, reminderName, eTag);
        if (removed)
        {
            Signal(grainId, reminderName).TrySetResult();
        }

        return removed;
    }

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

    private TaskCompletionSource Signal(GrainId grain, string name) =>
        _removed.GetOrAdd($"{grain}/{name}", static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
