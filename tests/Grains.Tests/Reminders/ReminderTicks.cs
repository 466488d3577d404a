namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>One silo's record of reminder ticks: completes <see cref="First"/> with "{grain}/{reminder}" at the first tick.</summary>
public sealed class ReminderTicks
{
    private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> First => _first.Task;

    public void Record(string grain, string reminder) => _first.TrySetResult($"{grain}/{reminder}");
}
