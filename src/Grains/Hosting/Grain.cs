using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>
/// Base class of grain implementations. The host creates one instance per activation from the service container
/// (constructor injection), sets its identity, then awaits <see cref="OnActivateAsync"/> before the first call runs.
/// Identity is not available inside the constructor.
/// </summary>
public abstract class Grain
{
    private GrainActivation? _activation;

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => Activation.GrainId;

    /// <summary>The factory for references to other grains (and to this one).</summary>
    public IGrainFactory GrainFactory => Activation.Host;

    private GrainActivation Activation =>
        _activation ?? throw new InvalidOperationException($"Grain '{GetType().Name}' is not attached to an activation; identity is set after construction.");

    /// <summary>Runs once before the first call. An exception fails every waiting call and the next call retries with a new instance.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once when the activation goes away, after in-flight calls finished; the token fires at the deactivation timeout.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation after the current turn; queued calls go to a fresh activation.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivateOnIdle();

    /// <summary>Keeps this activation from idle collection for at least <paramref name="timeSpan"/>; cancels a pending <see cref="DeactivateOnIdle"/>.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => Activation.DelayDeactivation(timeSpan);

    /// <summary>
    /// False keeps this activation through idle collection, for example while it holds loaded resources that serve
    /// traffic. Read by the collector under the activation's lock: keep it cheap and safe to read from any thread.
    /// </summary>
    protected internal virtual bool CanBeCollectedWhenIdle => true;

    /// <summary>
    /// Registers a timer whose callback runs as a non-interleaved turn of this activation. The next tick is scheduled
    /// <paramref name="period"/> after a callback finishes (<see cref="Timeout.InfiniteTimeSpan"/>: fire once). Ticks do
    /// not count as activity for idle collection. Dispose to stop; deactivation stops it and cancels the callback's token.
    /// </summary>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Activation.RegisterTimer(callback, dueTime, period);
    }

    internal void Attach(GrainActivation activation) => _activation = activation;
}
