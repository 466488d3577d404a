using OrleansInference.Grains.Registry;
using OrleansInference.Grid.Catalog;
using StackExchange.Redis;

namespace OrleansInference.Silo.State;

/// <summary>
/// The registry in Redis (cluster mode): one hash of registered versions (field <c>{model}\u001f{version}</c>, value
/// the record's JSON) and one hash of deployments (field: model). Its one writer is the catalog grain, so a stage change
/// reads and rewrites its record without a transaction; registration is <c>HSETNX</c>, first registration wins.
/// </summary>
public sealed class RedisModelRegistry(RedisStateConnection redis, TimeProvider time) : IModelRegistry
{
    private readonly RedisKey _versions = redis.Key("registry:versions");
    private readonly RedisKey _deployments = redis.Key("registry:deployments");

    /// <inheritdoc />
    public Task<ModelVersionRecord> RegisterAsync(ModelVersionRecord record, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var field = Field(record.Name, record.Version);
            await db.HashSetAsync(_versions, field, RedisStateJson.Write(record), When.NotExists);
            var stored = await db.HashGetAsync(_versions, field);
            return stored.IsNull ? record : RedisStateJson.Read<ModelVersionRecord>(stored!);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ModelVersionRecord>> ListAsync(string? model, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<ModelVersionRecord>>(async db =>
        {
            var entries = await db.HashGetAllAsync(_versions);
            return entries
                .Select(e => RedisStateJson.Read<ModelVersionRecord>(e.Value!))
                .Where(r => model is null || r.Name == model)
                .OrderBy(r => r.Name, StringComparer.Ordinal)
                .ThenBy(r => r.Version.Length)
                .ThenBy(r => r.Version, StringComparer.Ordinal)
                .ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ModelVersionRecord?> GetAsync(string model, string version, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var stored = await db.HashGetAsync(_versions, Field(model, version));
            return stored.IsNull ? null : RedisStateJson.Read<ModelVersionRecord>(stored!);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ModelVersionRecord?> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var field = Field(model, version);
            var stored = await db.HashGetAsync(_versions, field);
            if (stored.IsNull)
            {
                return null;
            }

            var updated = RedisStateJson.Read<ModelVersionRecord>(stored!) with { Stage = stage, StageChangedAt = time.GetUtcNow() };
            await db.HashSetAsync(_versions, field, RedisStateJson.Write(updated));
            return updated;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ModelDeployment?> GetDeploymentAsync(string model, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var stored = await db.HashGetAsync(_deployments, model);
            return stored.IsNull ? null : RedisStateJson.Read<ModelDeployment>(stored!);
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetDeploymentAsync(ModelDeployment deployment, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.HashSetAsync(_deployments, deployment.Model, RedisStateJson.Write(deployment)), cancellationToken);

    private static string Field(string model, string version) => model + "\u001f" + version;
}
