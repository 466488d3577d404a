using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// A cluster client's choice of replica per request: holds the cluster's active silos (re-read from the management
/// grain every <see cref="RefreshPeriod"/> and at once after a replica call failed, never per request) and spreads each
/// version's requests round-robin over its replica set (<see cref="ModelReplicas.Choose"/>). Reading starts when the
/// router is built and retries until the client is connected; until the first list arrives there is no replica to pick
/// and callers call the version grain as before.
/// </summary>
public sealed class ReplicaRouter : IAsyncDisposable
{
    /// <summary>How often the silo list is re-read when nothing failed.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>The shortest gap between two reads, however many calls fail.</summary>
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(250);

    private readonly IGrainFactory _grains;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<string, int?> _counts = new(StringComparer.Ordinal);
    private Membership _membership = Membership.Empty;
    private readonly Task _refreshing;
    private uint _next;

    public ReplicaRouter(IGrainFactory grains)
    {
        _grains = grains;
        _refreshing = Task.Run(() => RefreshLoopAsync(_stopping.Token));
    }

    /// <summary>The active silos as last read; empty before the first read.</summary>
    public IReadOnlyList<SiloAddress> Silos => Volatile.Read(ref _membership).Silos;

    /// <summary>Notes a version's replica count from a route (null: every silo); the next picks use it.</summary>
    public void Remember(string versionKey, int? replicas)
    {
        if (!_counts.TryGetValue(versionKey, out var known) || known != replicas)
        {
            _counts[versionKey] = replicas;
        }
    }

    /// <summary>
    /// The key of the <see cref="IModelReplicaGrain"/> that serves this request of <paramref name="versionKey"/>; null
    /// while no silo list has been read (the caller then calls the version grain).
    /// </summary>
    public string? Pick(string versionKey)
    {
        var membership = Volatile.Read(ref _membership);
        if (membership.Silos.Length == 0)
        {
            return null;
        }

        var replicas = _counts.TryGetValue(versionKey, out var count) ? count : null;
        var set = membership.Sets.GetOrAdd((versionKey, replicas), static (key, silos) =>
            [.. ModelReplicas.Choose(key.VersionKey, silos, key.Replicas).Select(s => ModelReplicas.ReplicaKey(key.VersionKey, s))], membership.Silos);
        return set.Length == 1 ? set[0] : set[(int)(Interlocked.Increment(ref _next) % (uint)set.Length)];
    }

    /// <summary>Asks for the silo list to be read again soon (a replica call met a silo that is gone).</summary>
    public void RefreshSoon()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Reads the active silos once.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken);
        var silos = hosts.Where(h => h.Value == SiloStatus.Active).Select(h => h.Key).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var current = Volatile.Read(ref _membership);
        if (!silos.SequenceEqual(current.Silos))
        {
            Volatile.Write(ref _membership, new Membership(silos));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _refreshing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        _stopping.Dispose();
    }

    private async Task RefreshLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                bound.CancelAfter(GridCalls.DefaultCallTimeout);
                await RefreshAsync(bound.Token);
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The management grain's silo may be the one that left: keep the last list and read again soon.
            }

            try
            {
                await Task.Delay(MinimumGap, stoppingToken);
                await _wake.WaitAsync(RefreshPeriod - MinimumGap, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One read of the membership and the replica sets computed from it.</summary>
    private sealed class Membership(SiloAddress[] silos)
    {
        public static readonly Membership Empty = new([]);

        public SiloAddress[] Silos { get; } = silos;

        public ConcurrentDictionary<(string VersionKey, int? Replicas), string[]> Sets { get; } = new();
    }
}
