using System.Collections.Concurrent;
using OrleansInference.Contracts.Grains;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.Tests.Hosting;

/// <summary>A grain whose behaviour tests script through <see cref="ProbeState"/>.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> PingAsync(CancellationToken cancellationToken);

    Task RunTurnAsync(Func<Task> body, CancellationToken cancellationToken);

    [AlwaysInterleave]
    Task RunInterleavedAsync(Func<Task> body, CancellationToken cancellationToken);

    Task DeactivateOnIdleAsync(CancellationToken cancellationToken);

    Task StartTimerAsync(TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken);
}

/// <summary>Shared by every probe activation of a test: hooks in, observations out.</summary>
public sealed class ProbeState
{
    private int _current;
    private int _maxConcurrent;
    private int _instances;

    public Func<int, CancellationToken, Task>? OnActivate { get; set; }

    public Func<DeactivationReason, Task>? OnDeactivate { get; set; }

    public Func<int, Task>? OnTimerTick { get; set; }

    public ConcurrentQueue<(int Instance, DeactivationReason Reason)> Deactivations { get; } = new();

    public TaskCompletionSource<DeactivationReason> FirstDeactivation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Instances => Volatile.Read(ref _instances);

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    public int TimerTicks;

    /// <summary>While true, probe activations refuse idle collection.</summary>
    public volatile bool Pinned;

    public int NextInstance() => Interlocked.Increment(ref _instances);

    public async Task MeasureAsync(Func<Task> body)
    {
        var now = Interlocked.Increment(ref _current);
        int max;
        while (now > (max = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, max) != max)
        {
        }

        try
        {
            await body();
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }
}

public sealed class ProbeGrain : Grain, IProbeGrain
{
    private readonly ProbeState _state;
    private readonly int _instance;

    public ProbeGrain(ProbeState state)
    {
        _state = state;
        _instance = state.NextInstance();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        _state.OnActivate?.Invoke(_instance, cancellationToken) ?? Task.CompletedTask;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _state.Deactivations.Enqueue((_instance, reason));
        _state.FirstDeactivation.TrySetResult(reason);
        if (_state.OnDeactivate is { } hook)
        {
            await hook(reason);
        }
    }

    public Task<int> PingAsync(CancellationToken cancellationToken) => Task.FromResult(_instance);

    protected internal override bool CanBeCollectedWhenIdle => !_state.Pinned;

    public Task RunTurnAsync(Func<Task> body, CancellationToken cancellationToken) => _state.MeasureAsync(body);

    public Task RunInterleavedAsync(Func<Task> body, CancellationToken cancellationToken) => _state.MeasureAsync(body);

    public Task DeactivateOnIdleAsync(CancellationToken cancellationToken)
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartTimerAsync(TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken)
    {
        RegisterGrainTimer(
            _ => _state.MeasureAsync(async () =>
            {
                var tick = Interlocked.Increment(ref _state.TimerTicks);
                if (_state.OnTimerTick is { } hook)
                {
                    await hook(tick);
                }
            }),
            dueTime,
            period);
        return Task.CompletedTask;
    }
}

/// <summary>The hand-written reference: forwards each method through the host.</summary>
internal sealed class ProbeGrainReference(GrainReference<ProbeGrain> reference) : IProbeGrain
{
    public Task<int> PingAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(static (grain, ct) => grain.PingAsync(ct), interleave: false, cancellationToken);

    public Task RunTurnAsync(Func<Task> body, CancellationToken cancellationToken) =>
        reference.InvokeAsync(body, static (grain, b, ct) => grain.RunTurnAsync(b, ct), interleave: false, cancellationToken);

    public Task RunInterleavedAsync(Func<Task> body, CancellationToken cancellationToken) =>
        reference.InvokeAsync(body, static (grain, b, ct) => grain.RunInterleavedAsync(b, ct), interleave: true, cancellationToken);

    public Task DeactivateOnIdleAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(static (grain, ct) => grain.DeactivateOnIdleAsync(ct), interleave: false, cancellationToken);

    public Task StartTimerAsync(TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken) =>
        reference.InvokeAsync((dueTime, period), static (grain, s, ct) => grain.StartTimerAsync(s.dueTime, s.period, ct), interleave: false, cancellationToken);
}
