using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments;
using StackExchange.Redis;

namespace OrleansInference.Silo.State;

/// <summary>
/// Experiments in Redis (cluster mode): one hash of definitions (field: id, value: the experiment's JSON) and one list
/// of events per experiment, appended in order.
/// </summary>
public sealed class RedisExperimentStore(RedisStateConnection redis) : IExperimentStore
{
    private readonly RedisKey _experiments = redis.Key("experiments");

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentInfo>> ListAsync(CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<ExperimentInfo>>(async db =>
        {
            var entries = await db.HashGetAllAsync(_experiments);
            return entries
                .Select(e => RedisStateJson.Read<ExperimentInfo>(e.Value!))
                .OrderBy(e => e.CreatedAt)
                .ThenBy(e => e.Id, StringComparer.Ordinal)
                .ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ExperimentInfo?> GetAsync(string id, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var stored = await db.HashGetAsync(_experiments, id);
            return stored.IsNull ? null : RedisStateJson.Read<ExperimentInfo>(stored!);
        }, cancellationToken);

    /// <inheritdoc />
    public Task SaveAsync(ExperimentInfo experiment, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.HashSetAsync(_experiments, experiment.Id, RedisStateJson.Write(experiment)), cancellationToken);

    /// <inheritdoc />
    public Task AppendEventAsync(string id, ExperimentEvent experimentEvent, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.ListRightPushAsync(Events(id), RedisStateJson.Write(experimentEvent)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(string id, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<ExperimentEvent>>(async db =>
            (await db.ListRangeAsync(Events(id))).Select(v => RedisStateJson.Read<ExperimentEvent>(v!)).ToList(), cancellationToken);

    private RedisKey Events(string id) => redis.Key("experiment-events:" + id);
}
