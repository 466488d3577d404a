using System.Globalization;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grains.BatchJobs;
using StackExchange.Redis;

namespace OrleansInference.Silo.State;

/// <summary>
/// Batch job state in Redis (cluster mode), so a job resumes on whichever silo its grain lands after its silo is lost.
/// Keys under the service's prefix: <c>batch:job:{id}</c> (the record's JSON), <c>batch:chunks:{id}</c> (a hash of
/// chunk index to <c>rows,errors</c>), <c>batch:idempotency</c> (key to job id), <c>batch:outputs</c> (every output
/// and rejected-rows path to the job writing it), <c>batch:open</c> (unsettled jobs, scored by creation time),
/// <c>batch:all</c> (every job, scored by creation time), <c>batch:finished</c> (final jobs not expired yet, scored by
/// finish time, for the retention sweep) and <c>batch:dead-letter:{id}</c> (a webhook never delivered).
/// Creation is one Lua script, so an idempotency key and an output path are taken once however many silos submit.
/// The job's files (inputs, chunk parts, outputs) stay on the shared folder of <c>BatchJobs:*</c>.
/// </summary>
public sealed class RedisBatchJobStore : IBatchJobStore
{
    // KEYS: job, idempotency, outputs, open, all. ARGV: id, idempotency key ('' for none), output path, errors path, record JSON, created ms.
    // Returns {1, id} when created, {0, existing id} for a known idempotency key, {-1, id} when the output is taken.
    private const string CreateScript = """
        if ARGV[2] ~= '' then
          local existing = redis.call('HGET', KEYS[2], ARGV[2])
          if existing then return {0, existing} end
        end
        local taken = redis.call('HGET', KEYS[3], ARGV[3]) or redis.call('HGET', KEYS[3], ARGV[4])
        if taken then return {-1, taken} end
        redis.call('SET', KEYS[1], ARGV[5])
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) end
        redis.call('HSET', KEYS[3], ARGV[3], ARGV[1], ARGV[4], ARGV[1])
        redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
        redis.call('ZADD', KEYS[5], ARGV[6], ARGV[1])
        return {1, ARGV[1]}
        """;

    private readonly RedisStateConnection _redis;
    private readonly RedisKey _idempotency;
    private readonly RedisKey _outputs;
    private readonly RedisKey _open;
    private readonly RedisKey _all;
    private readonly RedisKey _finished;

    public RedisBatchJobStore(RedisStateConnection redis, BatchJobPaths paths)
    {
        paths.EnsureCreated();
        _redis = redis;
        _idempotency = redis.Key("batch:idempotency");
        _outputs = redis.Key("batch:outputs");
        _open = redis.Key("batch:open");
        _all = redis.Key("batch:all");
        _finished = redis.Key("batch:finished");
    }

    /// <inheritdoc />
    public async Task<(BatchJobRecord Record, bool Created)> CreateAsync(BatchJobRecord job, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await _redis.RunAsync(db => db.ScriptEvaluateAsync(
            CreateScript,
            [Job(job.Id), _idempotency, _outputs, _open, _all],
            [job.Id, job.IdempotencyKey ?? string.Empty, job.OutputPath, job.ErrorsPath, RedisStateJson.Write(job), job.CreatedAt.ToUnixTimeMilliseconds()]),
            cancellationToken))!;
        var outcome = (int)result[0];
        if (outcome == 1)
        {
            return (job, true);
        }

        if (outcome == -1)
        {
            throw new BatchOutputTakenException(job.OutputPath, new InvalidOperationException($"Batch job {(string?)result[1]} writes '{job.OutputPath}' or its rejected-rows file."));
        }

        var existing = await GetAsync((string)result[1]!, cancellationToken);
        return (existing ?? throw new InvalidOperationException($"Batch job with idempotency key '{job.IdempotencyKey}' vanished."), false);
    }

    /// <inheritdoc />
    public Task<BatchJobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var stored = await db.StringGetAsync(Job(id));
            return stored.IsNull ? null : RedisStateJson.Read<BatchJobRecord>(stored!);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<BatchJobRecord?> FindByIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        var id = await _redis.RunAsync(async db => (string?)await db.HashGetAsync(_idempotency, key), cancellationToken);
        return id is null ? null : await GetAsync(id, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> IsOutputTakenAsync(string outputPath, string errorsPath, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db => await db.HashExistsAsync(_outputs, outputPath) || await db.HashExistsAsync(_outputs, errorsPath), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListResumableAsync(CancellationToken cancellationToken) =>
        _redis.RunAsync<IReadOnlyList<string>>(async db =>
            (await db.SortedSetRangeByRankAsync(_open)).Select(v => (string)v!).ToList(), cancellationToken);

    /// <inheritdoc />
    public Task MarkRunningAsync(string id, long rowsTotal, int chunksTotal, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        UpdateAsync(id, r => r with { State = BatchJobState.Running, RowsTotal = rowsTotal, ChunksTotal = chunksTotal, StartedAt = r.StartedAt ?? startedAt }, cancellationToken);

    /// <inheritdoc />
    public Task FinishAsync(string id, BatchJobState state, string? error, DateTimeOffset finishedAt, CancellationToken cancellationToken) =>
        UpdateAsync(id, r => r with { State = state, Error = error, FinishedAt = finishedAt }, cancellationToken);

    /// <inheritdoc />
    public Task SetWebhookAsync(string id, WebhookState state, CancellationToken cancellationToken) =>
        UpdateAsync(id, r => r with { Webhook = state }, cancellationToken);

    /// <inheritdoc />
    public Task CheckpointAsync(string id, ChunkCheckpoint checkpoint, CancellationToken cancellationToken) =>
        _redis.RunAsync(
            db => db.HashSetAsync(Chunks(id), checkpoint.Index, string.Create(CultureInfo.InvariantCulture, $"{checkpoint.Rows},{checkpoint.Errors}"), When.NotExists),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ChunkCheckpoint>> GetCheckpointsAsync(string id, CancellationToken cancellationToken) =>
        _redis.RunAsync<IReadOnlyList<ChunkCheckpoint>>(async db =>
        {
            var entries = await db.HashGetAllAsync(Chunks(id));
            return entries
                .Select(e =>
                {
                    var parts = ((string)e.Value!).Split(',');
                    return new ChunkCheckpoint((int)e.Name, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
                })
                .OrderBy(c => c.Index)
                .ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
        _redis.RunAsync<IReadOnlyList<string>>(async db =>
            (await db.SortedSetRangeByRankAsync(_all, 0, limit - 1, Order.Descending)).Select(v => (string)v!).ToList(), cancellationToken);

    /// <inheritdoc />
    public async Task DeadLetterWebhookAsync(string id, BatchWebhookDeadLetter letter, CancellationToken cancellationToken)
    {
        await _redis.RunAsync(db => db.StringSetAsync(DeadLetter(id), RedisStateJson.Write(letter)), cancellationToken);
        await UpdateAsync(id, r => r with { Webhook = WebhookState.Failed }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BatchWebhookDeadLetter?> GetWebhookDeadLetterAsync(string id, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var stored = await db.StringGetAsync(DeadLetter(id));
            return stored.IsNull ? null : RedisStateJson.Read<BatchWebhookDeadLetter>(stored!);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListExpiringAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _redis.RunAsync<IReadOnlyList<string>>(async db =>
            (await db.SortedSetRangeByScoreAsync(_finished, double.NegativeInfinity, cutoff.ToUnixTimeMilliseconds(), Exclude.Stop)).Select(v => (string)v!).ToList(),
            cancellationToken);

    /// <inheritdoc />
    public Task MarkExpiredAsync(string id, DateTimeOffset expiredAt, CancellationToken cancellationToken) =>
        UpdateAsync(id, r => r with { ExpiredAt = expiredAt }, cancellationToken);

    /// <summary>Rewrites a job's record (its one writer is the job's grain) and keeps <c>batch:open</c> in step.</summary>
    private Task UpdateAsync(string id, Func<BatchJobRecord, BatchJobRecord> change, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var stored = await db.StringGetAsync(Job(id));
            if (stored.IsNull)
            {
                return;
            }

            var updated = change(RedisStateJson.Read<BatchJobRecord>(stored!));
            var settled = updated.State is not (BatchJobState.Queued or BatchJobState.Running) && updated.Webhook != WebhookState.Pending;
            var transaction = db.CreateTransaction();
            _ = transaction.StringSetAsync(Job(id), RedisStateJson.Write(updated));
            _ = settled
                ? transaction.SortedSetRemoveAsync(_open, id)
                : transaction.SortedSetAddAsync(_open, id, updated.CreatedAt.ToUnixTimeMilliseconds());
            _ = settled && updated.ExpiredAt is null && updated.FinishedAt is { } finished
                ? transaction.SortedSetAddAsync(_finished, id, finished.ToUnixTimeMilliseconds())
                : transaction.SortedSetRemoveAsync(_finished, id);
            await transaction.ExecuteAsync();
        }, cancellationToken);

    private RedisKey Job(string id) => _redis.Key("batch:job:" + id);

    private RedisKey DeadLetter(string id) => _redis.Key("batch:dead-letter:" + id);

    private RedisKey Chunks(string id) => _redis.Key("batch:chunks:" + id);
}
