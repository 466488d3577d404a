using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Caching;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;
using OrleansInference.Silo.Caching;

namespace OrleansInference.Grains.Tests.Caching;

/// <summary>
/// The shared result cache against a real redis-server: two "silos" (each its own cache and its own connection) share
/// answers, entries expire with their TTL, a registry change moves every silo to new keys, identical misses run once per
/// silo, and a Redis that is gone reads as a miss.
/// </summary>
public sealed class SharedPredictionCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _owned = [];
    private RedisTestServer _redis = null!;
    private CatalogEntry _entry = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisTestServer.StartAsync();
        _entry = Entry(DateTimeOffset.UnixEpoch);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AnAnswerRunOnOneSilo_IsAHitOnAnother_AndTheModelRanOnce()
    {
        var runs = 0;
        var a = Silo(TimeSpan.FromSeconds(60), out var storeA);
        var b = Silo(TimeSpan.FromSeconds(60), out _);
        await ConnectedAsync();
        float[] features = [5.1f, 3.5f, 1.4f, 0.2f];

        var first = await a.GetOrRunAsync(features, f => Model(f, ref runs), out var leader);
        Assert.True(leader);
        Assert.False(first.FromStore);
        Assert.Equal(InferenceStatus.Ok, first.Run!.Status);
        await WaitStoredAsync(storeA, a, features);

        var second = await b.GetOrRunAsync(features, f => Model(f, ref runs), out _);
        Assert.True(second.FromStore, "The second silo did not read the first silo's answer from Redis.");
        Assert.Equal(1, runs);
        Assert.Equal(first.Rows![0] with { TopK = null }, second.Rows![0] with { TopK = null });
        Assert.Equal(first.Rows[0].TopK!, second.Rows[0].TopK!);
        Assert.True(b.Local.TryGet(features, out _), "A stored answer did not fill the reading silo's memory.");

        // Other features are another key.
        var other = await b.GetOrRunAsync([5.1f, 3.5f, 1.4f, 0.3f], f => Model(f, ref runs), out _);
        Assert.False(other.FromStore);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Entries_ExpireWithTheirTtl_InRedisAndInEachSilosMemory()
    {
        var runs = 0;
        var a = Silo(TimeSpan.FromSeconds(1), out var storeA);
        var b = Silo(TimeSpan.FromSeconds(1), out _);
        await ConnectedAsync();
        float[] features = [6.1f, 2.8f, 4.7f, 1.2f];
        await a.GetOrRunAsync(features, f => Model(f, ref runs), out _);
        await WaitStoredAsync(storeA, a, features);
        var redisTtl = await RedisTtlAsync(storeA.KeyPrefix + Key(a, features));
        Assert.True(redisTtl is > 0 and <= 1000, $"Redis expiry of the entry: expected (0, 1000] ms, got {redisTtl} ms.");

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Null(await storeA.GetAsync(Key(a, features), CancellationToken.None));
        Assert.False(a.Local.TryGet(features, out _), "The silo's memory served past the TTL.");
        var after = await b.GetOrRunAsync(features, f => Model(f, ref runs), out _);
        Assert.False(after.FromStore);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ARegistryChange_MovesEverySiloToNewKeys_AndDropsTheirMemory()
    {
        var runs = 0;
        var a = Silo(TimeSpan.FromSeconds(60), out var storeA);
        var b = Silo(TimeSpan.FromSeconds(60), out _);
        await ConnectedAsync();
        float[] features = [5.9f, 3.0f, 5.1f, 1.8f];
        await a.GetOrRunAsync(features, f => Model(f, ref runs), out _);
        await WaitStoredAsync(storeA, a, features);
        Assert.True((await b.GetOrRunAsync(features, f => Model(f, ref runs), out _)).FromStore);
        var before = a.KeyPrefix;

        // The stage changed (archived, then back): each silo's catalog replica hands over the new entry.
        var changed = Entry(DateTimeOffset.UnixEpoch.AddMinutes(5));
        a.Renew(changed);
        b.Renew(changed);

        Assert.NotEqual(before, a.KeyPrefix);
        Assert.Equal(a.KeyPrefix, b.KeyPrefix);
        Assert.False(a.Local.TryGet(features, out _));
        Assert.False(b.Local.TryGet(features, out _));
        var onB = await b.GetOrRunAsync(features, f => Model(f, ref runs), out _);
        Assert.False(onB.FromStore, "A silo read an answer stored before the version changed.");
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ABurstOfIdenticalMisses_RunsTheModelOnce_AndEveryWaiterGetsItsAnswer()
    {
        const int burst = 32;
        var a = Silo(TimeSpan.FromSeconds(60), out _);
        await ConnectedAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        float[] features = [4.4f, 2.9f, 1.4f, 0.2f];
        async Task<PredictResult> Slow(ReadOnlyMemory<float> f)
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return Result(f);
        }

        var leaders = 0;
        var waits = new List<Task<SharedCacheOutcome>>();
        using var cancelOne = new CancellationTokenSource();
        Task<SharedCacheOutcome>? cancelled = null;
        for (var i = 0; i < burst; i++)
        {
            var flight = a.GetOrRunAsync(features, Slow, out var leader);
            leaders += leader ? 1 : 0;
            if (i == 1)
            {
                cancelled = flight.WaitAsync(cancelOne.Token);
            }
            else
            {
                waits.Add(flight);
            }
        }

        // Cancelling one waiter ends its wait only; the run goes on for the others.
        await cancelOne.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled!);
        Assert.Equal(1, a.InFlight);
        release.SetResult();
        var outcomes = await Task.WhenAll(waits).WaitAsync(Bound);

        Assert.Equal(1, leaders);
        Assert.Equal(1, runs);
        Assert.All(outcomes, o => Assert.Equal(0.5, o.Rows![0].Confidence!.Value, 3));
        Assert.Equal(0, a.InFlight);
        Assert.True(a.Local.TryGet(features, out _));
    }

    [Fact]
    public async Task AFailedRun_ReachesEveryWaiter_AndIsNotCached()
    {
        var a = Silo(TimeSpan.FromSeconds(60), out var store);
        await ConnectedAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        float[] features = [7.7f, 2.6f, 6.9f, 2.3f];
        async Task<PredictResult> Failing(ReadOnlyMemory<float> f)
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            throw new InvalidOperationException("The model failed.");
        }

        var flights = Enumerable.Range(0, 8).Select(i => a.GetOrRunAsync(features, Failing, out var leader)).ToList();
        release.SetResult();
        foreach (var flight in flights)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => flight.WaitAsync(Bound));
            Assert.Equal("The model failed.", error.Message);
        }

        Assert.Equal(1, runs);
        Assert.False(a.Local.TryGet(features, out _));
        Assert.Null(await store.GetAsync(Key(a, features), CancellationToken.None));

        // A failed status (not an exception) is not cached either; the next request runs the model again.
        var unavailable = await a.GetOrRunAsync(features, f => Task.FromResult(new PredictResult(InferenceStatus.QueueFull, "iris", "1", Error: "full")), out _);
        Assert.Equal(InferenceStatus.QueueFull, unavailable.Run!.Status);
        var ok = 0;
        var fine = await a.GetOrRunAsync(features, f => Model(f, ref ok), out _);
        Assert.Equal(InferenceStatus.Ok, fine.Run!.Status);
        Assert.Equal(1, ok);
    }

    [Fact]
    public async Task RedisGone_ReadsAreBoundedMisses_TheModelAnswers_AndTheOutageIsLoggedOnce()
    {
        var logger = new ListLogger();
        var store = new RedisPredictionStore(_redis.Configuration, "test", TimeSpan.FromMilliseconds(100), logger);
        _owned.Add(store);
        var a = new SharedPredictionCache(store, new PredictionCache(TimeSpan.FromSeconds(60), 100, TimeProvider.System), _entry, TimeSpan.FromSeconds(60), TimeProvider.System);
        var runs = 0;
        await a.GetOrRunAsync([1f, 1f, 1f, 1f], f => Model(f, ref runs), out _);
        await WaitConnectedAsync(store);

        await _redis.KillAsync();
        for (var i = 0; i < 10; i++)
        {
            var took = Stopwatch.StartNew();
            var outcome = await a.GetOrRunAsync([2f, 2f, 2f, i], f => Model(f, ref runs), out _).WaitAsync(Bound);
            Assert.Equal(InferenceStatus.Ok, outcome.Run!.Status);
            Assert.True(took.Elapsed < TimeSpan.FromSeconds(5), $"A lookup took {took.Elapsed.TotalSeconds:F1} s with Redis gone.");
        }

        Assert.Equal(11, runs);
        Assert.Single(logger.Warnings);
        Assert.Contains("unavailable", logger.Warnings[0], StringComparison.Ordinal);
    }

    private SharedPredictionCache Silo(TimeSpan ttl, out RedisPredictionStore store)
    {
        store = new RedisPredictionStore(_redis.Configuration, "test", TimeSpan.FromSeconds(2), NullLogger<RedisPredictionStore>.Instance);
        _owned.Add(store);
        return new SharedPredictionCache(store, new PredictionCache(ttl, 1000, TimeProvider.System), _entry, ttl, TimeProvider.System);
    }

    private Task ConnectedAsync() => Task.WhenAll(_owned.OfType<RedisPredictionStore>().Select(s => s.ConnectedAsync())).WaitAsync(Bound);

    private static Task<PredictResult> Model(ReadOnlyMemory<float> features, ref int runs)
    {
        Interlocked.Increment(ref runs);
        return Task.FromResult(Result(features));
    }

    private static PredictResult Result(ReadOnlyMemory<float> features) =>
        new(InferenceStatus.Ok, "iris", "1", [new RowPrediction(features.Span[0], "setosa", 0.5f, [new ClassScore(0, "setosa", 0.5f)])]);

    private static string Key(SharedPredictionCache cache, float[] features) =>
        cache.KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(features.AsSpan())));

    /// <summary>Writes are fire-and-forget: waits until the answer is in Redis.</summary>
    private static async Task WaitStoredAsync(RedisPredictionStore store, SharedPredictionCache cache, float[] features)
    {
        var until = DateTime.UtcNow + Bound;
        while (await store.GetAsync(Key(cache, features), CancellationToken.None) is null)
        {
            Assert.True(DateTime.UtcNow < until, $"Key {Key(cache, features)} did not reach Redis within {Bound.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }

    private static async Task WaitConnectedAsync(RedisPredictionStore store)
    {
        var until = DateTime.UtcNow + Bound;
        store.Set("probe", [1], TimeSpan.FromMinutes(1));
        while (await store.GetAsync("probe", CancellationToken.None) is null)
        {
            Assert.True(DateTime.UtcNow < until, "The store did not connect.");
            await Task.Delay(20);
            store.Set("probe", [1], TimeSpan.FromMinutes(1));
        }
    }

    private async Task<long> RedisTtlAsync(string key)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(key);
        return ttl is { } t ? (long)t.TotalMilliseconds : -1;
    }

    private static CatalogEntry Entry(DateTimeOffset stageChangedAt)
    {
        var models = RepositoryRoot.Models();
        var repository = new ModelRepository(Options.Create(new ModelRepositoryOptions { RootPath = models }), new Environment(models), NullLogger<ModelRepository>.Instance);
        var descriptor = repository.Load("iris", "1");
        return CatalogEntry.From(
            new CatalogVersion("iris", "1", "production", descriptor.Sha256, null, null, DateTimeOffset.UnixEpoch, stageChangedAt, ModelRepository.SerializeConfig(descriptor.Config)),
            repository);
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private sealed class ListLogger : ILogger<RedisPredictionStore>
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyList<string> Warnings => [.. _warnings];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                _warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
