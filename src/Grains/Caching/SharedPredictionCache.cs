using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.Caching;

/// <summary>
/// One version's result cache on one silo when the cache is shared (cluster mode): the silo's
/// <see cref="PredictionCache"/> in front of an <see cref="ISharedPredictionStore"/> that every silo reads, and
/// single-flight for misses, so a burst of identical requests that miss runs the model once on this silo.
/// </summary>
/// <remarks>
/// Store keys are <c>{model}/{version}/{generation}/{sha256 of the feature bytes}</c>. The generation is a hash of the
/// version's registry entry (checksum, config, registration and stage change times): when any of these changes, every
/// silo's catalog replica hands the new entry to <see cref="Renew"/>, which switches to new keys (the old entries are
/// never read again and expire) and drops the silo's local entries. A value holds the exact feature bytes, so a hash
/// collision reads as a miss, never as another request's answer.
/// </remarks>
public sealed class SharedPredictionCache
{
    private readonly ISharedPredictionStore _store;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<FeatureKey, Task<SharedCacheOutcome>> _inFlight = new(FeatureKeyComparer.Instance);
    private readonly Dictionary<FeatureKey, Task<SharedCacheOutcome>>.AlternateLookup<ReadOnlySpan<float>> _lookup;
    private string _prefix;

    public SharedPredictionCache(ISharedPredictionStore store, PredictionCache local, CatalogEntry entry, TimeSpan ttl, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _store = store;
        Local = local;
        _ttl = ttl;
        _time = time;
        _prefix = Prefix(entry);
        _lookup = _inFlight.GetAlternateLookup<ReadOnlySpan<float>>();
    }

    /// <summary>This silo's entries: looked up first, filled by every answer this silo runs or reads from the store.</summary>
    public PredictionCache Local { get; }

    /// <summary>The key prefix of the current generation (tests and diagnostics).</summary>
    public string KeyPrefix => Volatile.Read(ref _prefix);

    /// <summary>Misses running now on this silo.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>
    /// The answer for these features: from the shared store, or from <paramref name="run"/> (the model) when the store
    /// has none. Concurrent calls with the same features share one lookup and one run; <paramref name="leader"/> is true
    /// for the call that started them. The run is not tied to any caller's cancellation (the callers bound their own
    /// wait with <see cref="Task.WaitAsync(CancellationToken)"/>); a failed run is not cached and every waiter sees it.
    /// </summary>
    /// <param name="features">The request's features; copied, so the caller may reuse its buffer once this returns.</param>
    /// <param name="run">Runs the model on an owned copy of the features.</param>
    /// <param name="leader">True when this call started the lookup and the run.</param>
    public Task<SharedCacheOutcome> GetOrRunAsync(ReadOnlySpan<float> features, Func<ReadOnlyMemory<float>, Task<PredictResult>> run, out bool leader)
    {
        ArgumentNullException.ThrowIfNull(run);
        float[] owned;
        TaskCompletionSource<SharedCacheOutcome> flight;
        lock (_gate)
        {
            if (_lookup.TryGetValue(features, out var running))
            {
                leader = false;
                return running;
            }

            owned = features.ToArray();
            flight = new TaskCompletionSource<SharedCacheOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[new FeatureKey(owned)] = flight.Task;
        }

        leader = true;
        _ = RunFlightAsync(owned, run, flight);
        return flight.Task;
    }

    /// <summary>Switches to the generation of <paramref name="entry"/> (the version's registry entry changed) and drops the local entries.</summary>
    public void Renew(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Volatile.Write(ref _prefix, Prefix(entry));
        Local.Clear();
    }

    /// <summary>The generation of a registry entry: changes whenever its checksum, config, registration or stage does.</summary>
    public static string Generation(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var published = entry.Published;
        var facts = Encoding.UTF8.GetBytes(string.Join('\n', published.Sha256, published.Stage,
            published.RegisteredAt.ToUnixTimeMilliseconds(), published.StageChangedAt.ToUnixTimeMilliseconds()));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(facts);
        hash.AppendData(published.ConfigJson);
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string Prefix(CatalogEntry entry) => $"{entry.VersionKey}/{Generation(entry)}/";

    private async Task RunFlightAsync(float[] features, Func<ReadOnlyMemory<float>, Task<PredictResult>> run, TaskCompletionSource<SharedCacheOutcome> flight)
    {
        SharedCacheOutcome? outcome = null;
        Exception? failure = null;
        try
        {
            var prefix = KeyPrefix;
            var key = prefix + Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(features.AsSpan())));
            if (Decode(await _store.GetAsync(key, CancellationToken.None), features) is { } stored)
            {
                AddLocal(prefix, features, stored.Rows, stored.ExpiresIn);
                outcome = new SharedCacheOutcome(stored.Rows, null, FromStore: true);
            }
            else
            {
                var result = await run(features);
                if (result.Status == InferenceStatus.Ok && result.Rows is { } rows)
                {
                    AddLocal(prefix, features, rows, _ttl);
                    _store.Set(key, Encode(features, rows, _time.GetUtcNow() + _ttl), _ttl);
                }

                outcome = new SharedCacheOutcome(result.Rows, result, FromStore: false);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            // Out of the table before the waiters wake: a later request starts afresh (a failure is not cached) or hits the local entry.
            lock (_gate)
            {
                _inFlight.Remove(new FeatureKey(features));
            }
        }

        if (failure is not null)
        {
            flight.SetException(failure);
        }
        else
        {
            flight.SetResult(outcome!);
        }
    }

    /// <summary>Fills the local cache unless the generation changed while the answer was on its way.</summary>
    private void AddLocal(string prefix, float[] features, IReadOnlyList<RowPrediction> rows, TimeSpan ttl)
    {
        if (ReferenceEquals(prefix, KeyPrefix))
        {
            Local.Add(features, rows, ttl);
        }
    }

    /// <summary>A value: its expiry (Unix ms), the feature bytes' length and the bytes, then the rows as JSON.</summary>
    private static byte[] Encode(float[] features, IReadOnlyList<RowPrediction> rows, DateTimeOffset expiresAt)
    {
        var featureBytes = MemoryMarshal.AsBytes(features.AsSpan());
        var json = JsonSerializer.SerializeToUtf8Bytes(rows, CacheJson.Options);
        var value = new byte[12 + featureBytes.Length + json.Length];
        BinaryPrimitives.WriteInt64LittleEndian(value, expiresAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(8), featureBytes.Length);
        featureBytes.CopyTo(value.AsSpan(12));
        json.CopyTo(value.AsSpan(12 + featureBytes.Length));
        return value;
    }

    private (IReadOnlyList<RowPrediction> Rows, TimeSpan ExpiresIn)? Decode(byte[]? value, float[] features)
    {
        var featureBytes = MemoryMarshal.AsBytes(features.AsSpan());
        if (value is null || value.Length < 12 || BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(8)) != featureBytes.Length
            || value.Length < 12 + featureBytes.Length || !value.AsSpan(12, featureBytes.Length).SequenceEqual(featureBytes))
        {
            return null;
        }

        var expiresIn = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(value)) - _time.GetUtcNow();
        if (expiresIn <= TimeSpan.Zero)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RowPrediction[]>(value.AsSpan(12 + featureBytes.Length), CacheJson.Options) is { } rows ? (rows, expiresIn) : null;
        }
        catch (JsonException)
        {
            // Written by an incompatible build: a miss, and the model's answer replaces it.
            return null;
        }
    }

    private static class CacheJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);
    }
}

/// <summary>What a shared cache lookup gave: the rows, and where they came from.</summary>
/// <param name="Rows">The predictions; null when the run failed.</param>
/// <param name="Run">The model's result when this silo ran the model (its status tells a failure); null for a stored answer.</param>
/// <param name="FromStore">True when the answer was read from the shared store.</param>
public sealed record SharedCacheOutcome(IReadOnlyList<RowPrediction>? Rows, PredictResult? Run, bool FromStore);
