using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Caching;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;
using OrleansInference.Silo.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansInference.Grains.Tests.Caching;

/// <summary>
/// Each silo's cached answers of a version go when its catalog replica applies a change of that version's registry entry;
/// the result cache's store is chosen and validated at composition.
/// </summary>
public sealed class PredictionCacheInvalidationTests
{
    private static readonly Guid Epoch = Guid.NewGuid();
    private readonly ModelRepository _repository;
    private readonly ModelVersionDescriptor _iris;
    private readonly ModelVersionDescriptor _digits;

    public PredictionCacheInvalidationTests()
    {
        var models = RepositoryRoot.Models();
        _repository = new ModelRepository(Options.Create(new ModelRepositoryOptions { RootPath = models }), new Environment(models), NullLogger<ModelRepository>.Instance);
        _iris = _repository.Load("iris", "1");
        _digits = _repository.Load("digits", "1");
    }

    [Fact]
    public void AStageChange_ClearsThatVersionsMemory_AndOnlyThatVersions()
    {
        var catalog = new ModelCatalog(null!, _repository);
        catalog.Apply(Snapshot(1, DateTimeOffset.UnixEpoch));
        Assert.True(catalog.TryGet("iris", "1", out var iris));
        Assert.True(catalog.TryGet("digits", "1", out var digits));
        var irisCache = Filled();
        var digitsCache = Filled();
        using var irisInvalidation = new PredictionCacheInvalidation(catalog, iris, irisCache, null);
        using var digitsInvalidation = new PredictionCacheInvalidation(catalog, digits, digitsCache, null);

        // Another revision with nothing changed for either version keeps both.
        catalog.Apply(Snapshot(2, DateTimeOffset.UnixEpoch));
        Assert.Equal(1, irisCache.Count);

        catalog.Apply(Snapshot(3, DateTimeOffset.UnixEpoch.AddMinutes(1)));
        Assert.Equal(0, irisCache.Count);
        Assert.Equal(1, digitsCache.Count);
    }

    [Fact]
    public void AStageChange_MovesASharedCacheToANewGeneration()
    {
        var catalog = new ModelCatalog(null!, _repository);
        catalog.Apply(Snapshot(1, DateTimeOffset.UnixEpoch));
        Assert.True(catalog.TryGet("iris", "1", out var iris));
        var local = Filled();
        var shared = new SharedPredictionCache(new NoStore(), local, iris, TimeSpan.FromMinutes(1), TimeProvider.System);
        using var invalidation = new PredictionCacheInvalidation(catalog, iris, local, shared);
        var before = shared.KeyPrefix;

        catalog.Apply(Snapshot(2, DateTimeOffset.UnixEpoch.AddMinutes(1)));

        Assert.NotEqual(before, shared.KeyPrefix);
        Assert.StartsWith("iris/1/", shared.KeyPrefix, StringComparison.Ordinal);
        Assert.Equal(0, local.Count);
        Assert.True(catalog.TryGet("iris", "1", out var changed));
        Assert.Equal("iris/1/" + SharedPredictionCache.Generation(changed) + "/", shared.KeyPrefix);
    }

    [Theory]
    [InlineData("", "", null)]
    [InlineData("", "127.0.0.1:6379", typeof(RedisPredictionStore))]
    [InlineData("Memory", "127.0.0.1:6379", null)]
    [InlineData("redis", "127.0.0.1:6379", typeof(RedisPredictionStore))]
    public void TheStore_FollowsCacheStore_OrOrleansRedis(string store, string clusterRedis, Type? expected)
    {
        var services = new ServiceCollection();
        services.AddResultCacheStore(Configuration(("Cache:Store", store)), clusterRedis, "test");
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(RedisPredictionStore));
        Assert.Equal(expected, registered?.ServiceType);
    }

    [Theory]
    [InlineData("Cache:Store", "Disk", "", "Cache:Store is 'Disk'; expected 'Memory' or 'Redis'")]
    [InlineData("Cache:Store", "Redis", "", "Cache:Store is 'Redis' but neither Cache:Redis nor Orleans:Redis")]
    [InlineData("Cache:ReadTimeoutMilliseconds", "0", "127.0.0.1:6379", "Cache:ReadTimeoutMilliseconds is 0")]
    public void ABadSetting_StopsStartUp_NamingTheKey(string key, string value, string clusterRedis, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddResultCacheStore(Configuration((key, value)), clusterRedis, "test"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static PredictionCache Filled()
    {
        var cache = new PredictionCache(TimeSpan.FromMinutes(1), 10, TimeProvider.System);
        cache.Add([1f, 2f], [new RowPrediction(1, null, null, null)]);
        return cache;
    }

    private CatalogSnapshot Snapshot(long counter, DateTimeOffset irisStageChangedAt) => new(
        new CatalogRevision(Epoch, counter),
        [Version(_digits, DateTimeOffset.UnixEpoch), Version(_iris, irisStageChangedAt)],
        ImmutableDictionary<string, string>.Empty);

    private static CatalogVersion Version(ModelVersionDescriptor d, DateTimeOffset stageChangedAt) =>
        new(d.Name, d.Version, "production", d.Sha256, null, null, DateTimeOffset.UnixEpoch, stageChangedAt, ModelRepository.SerializeConfig(d.Config));

    private sealed class NoStore : ISharedPredictionStore
    {
        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);

        public void Set(string key, byte[] value, TimeSpan ttl)
        {
        }
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
