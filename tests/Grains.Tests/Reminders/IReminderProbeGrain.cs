using Orleans;

namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>A grain that registers and removes one reminder on request and reports its ticks to <see cref="ReminderTicks"/>.</summary>
[Alias("oi.tests.ReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("RegisterAsync")]
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    [Alias("UnregisterAsync")]
    Task UnregisterAsync(string name);
}
