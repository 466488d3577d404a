using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>
/// The silo's grain host: resolves grain references, activates grains on demand (one activation per grain id),
/// collects idle activations and deactivates everything at shutdown. Register with
/// <see cref="GrainHostServiceCollectionExtensions.AddGrainHost"/> and <see cref="GrainHostServiceCollectionExtensions.AddGrain{TGrainInterface, TGrainClass}"/>.
/// </summary>
public sealed partial class GrainHost : IGrainFactory, IHostedService, IAsyncDisposable
{
    private readonly Dictionary<Type, (GrainRegistration Registration, GrainClassRegistration Class)> _interfaces = [];
    private readonly Dictionary<Type, GrainClassRegistration> _classes = [];
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<(Type Interface, string Key), object> _references = new();
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _collector;

    public GrainHost(
        IServiceProvider services,
        IEnumerable<GrainRegistration> registrations,
        IOptions<GrainCollectionOptions> options,
        TimeProvider time,
        ILogger<GrainHost> logger)
    {
        Services = services;
        Options = options.Value;
        Time = time;
        Logger = logger;

        // Later registrations of the same interface replace earlier ones, so tests can swap a grain class.
        foreach (var registration in registrations)
        {
            if (!_classes.TryGetValue(registration.GrainClass, out var grainClass))
            {
                grainClass = new GrainClassRegistration(registration.GrainClass, Options);
                _classes.Add(registration.GrainClass, grainClass);
            }

            if (_interfaces.TryGetValue(registration.InterfaceType, out var previous))
            {
                previous.Class.Interfaces.Remove(registration.InterfaceType);
            }

            grainClass.Interfaces.Add(registration.InterfaceType);
            _interfaces[registration.InterfaceType] = (registration, grainClass);
        }
    }

    internal IServiceProvider Services { get; }

    internal GrainCollectionOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    /// <inheritdoc />
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_references.TryGetValue((typeof(TGrainInterface), key), out var cached))
        {
            return (TGrainInterface)cached;
        }

        if (!_interfaces.TryGetValue(typeof(TGrainInterface), out var entry))
        {
            throw new InvalidOperationException(
                $"No grain class is registered for '{typeof(TGrainInterface).FullName}'; call services.AddGrain<{typeof(TGrainInterface).Name}, TGrainClass>(...).");
        }

        var reference = entry.Registration.CreateReference(this, key);
        return (TGrainInterface)_references.GetOrAdd((typeof(TGrainInterface), key), reference);
    }

    /// <summary>Number of activations in the host, in any state.</summary>
    public int GetActivationCount() => _activations.Count;

    /// <summary>A snapshot of every activation, for diagnostics.</summary>
    public IReadOnlyList<GrainActivationInfo> GetActivations()
    {
        var now = Time.GetTimestamp();
        var list = new List<GrainActivationInfo>(_activations.Count);
        foreach (var activation in _activations.Values)
        {
            list.Add(activation.Describe(now));
        }

        return list;
    }

    /// <summary>Runs one idle-collection pass now (the collector timer runs one every <see cref="GrainCollectionOptions.CollectionQuantum"/>).</summary>
    /// <returns>The number of activations whose deactivation started.</returns>
    public int CollectIdleActivations()
    {
        var now = Time.GetTimestamp();
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.TryCollect(now, _classes[activation.GrainClass].AgeLimit))
            {
                collected++;
            }
        }

        if (collected > 0)
        {
            Log.Collected(Logger, collected);
        }

        return collected;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var quantum = Options.CollectionQuantum;
        _collector ??= Time.CreateTimer(static state => ((GrainHost)state!).OnCollectorTick(), this, quantum, quantum);
        Log.Started(Logger, _interfaces.Count, quantum, Options.DefaultIdleTimeout);
        return Task.CompletedTask;
    }

    /// <summary>Stops activating grains and deactivates every activation (reason ShuttingDown), waiting until the token fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        _collector?.Dispose();
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The grain host is stopping.");
        var pending = new List<Task>(_activations.Count);
        foreach (var activation in _activations.Values)
        {
            pending.Add(activation.DeactivateAsync(reason, cancellationToken));
        }

        Log.Stopping(Logger, pending.Count);
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.StopTimedOut(Logger, _activations.Count);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }

        _collector?.Dispose();
        _stopping.Dispose();
    }

    internal GrainReference<TGrainClass> CreateReference<TGrainClass>(string key)
        where TGrainClass : Grain
    {
        var grainClass = _classes[typeof(TGrainClass)];
        return new GrainReference<TGrainClass>(this, grainClass, new GrainId(grainClass.GrainType, key));
    }

    internal GrainActivation GetOrAddActivation(GrainClassRegistration registration, GrainId grainId)
    {
        while (true)
        {
            if (_activations.TryGetValue(grainId, out var existing))
            {
                return existing;
            }

            if (_stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"Grain '{grainId}' cannot be activated: the grain host is stopping.");
            }

            var activation = new GrainActivation(this, registration, grainId);
            if (_activations.TryAdd(grainId, activation))
            {
                _ = activation.ActivateAsync(_stopping.Token);
                return activation;
            }
        }
    }

    /// <summary>Removes a deactivated (or failed) activation so the next call creates a fresh one.</summary>
    internal void OnActivationGone(GrainActivation activation)
    {
        _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.GrainId, activation));
        foreach (var grainInterface in _classes[activation.GrainClass].Interfaces)
        {
            _references.TryRemove((grainInterface, activation.GrainId.Key), out _);
        }
    }

    private void OnCollectorTick()
    {
        try
        {
            CollectIdleActivations();
        }
        catch (Exception ex)
        {
            Log.CollectorFailed(Logger, ex);
        }
    }
}
