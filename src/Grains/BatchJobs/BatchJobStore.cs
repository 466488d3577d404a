using Microsoft.Data.Sqlite;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Durable job state in its own SQLite database (<c>{StateRoot}/batch-jobs.db</c>, WAL, synchronous FULL): job
/// definitions, outcomes and one checkpoint row per finished chunk (the embedded default's <see cref="IBatchJobStore"/>).
/// </summary>
public sealed partial class BatchJobStore : IBatchJobStore
{
    private const string Columns =
        "id, idempotency_key, model, version, input_path, input_format, output_format, output_path, chunk_rows, callback_url, " +
        "state, created_at, started_at, finished_at, rows_total, chunks_total, error, webhook, owner, body_hash, expired_at";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _initialized;

    public BatchJobStore(BatchJobPaths paths)
    {
        paths.EnsureCreated();
        _connectionString = new SqliteConnectionStringBuilder { DataSource = paths.DatabasePath, Pooling = true }.ToString();
    }

    /// <summary>Inserts a job; with an idempotency key already used, returns the existing job instead (<c>Created</c> false).</summary>
    /// <exception cref="BatchOutputTakenException">Another job writes the same output file (a concurrent submission won).</exception>
    public async Task<(BatchJobRecord Record, bool Created)> CreateAsync(BatchJobRecord job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO jobs ({Columns}) VALUES ($id, $key, $model, $version, $input, $inFormat, $outFormat, $output, $chunkRows, $callback, $state, $created, NULL, NULL, NULL, NULL, NULL, $webhook, $owner, $bodyHash, NULL) ON CONFLICT(idempotency_key) DO NOTHING";
        command.Parameters.AddWithValue("$id", job.Id);
        command.Parameters.AddWithValue("$key", (object?)job.IdempotencyKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$model", job.Model);
        command.Parameters.AddWithValue("$version", job.Version);
        command.Parameters.AddWithValue("$input", job.InputPath);
        command.Parameters.AddWithValue("$inFormat", job.InputFormat.ToString());
        command.Parameters.AddWithValue("$outFormat", job.OutputFormat.ToString());
        command.Parameters.AddWithValue("$output", job.OutputPath);
        command.Parameters.AddWithValue("$chunkRows", job.ChunkRows);
        command.Parameters.AddWithValue("$callback", (object?)job.CallbackUrl ?? DBNull.Value);
        command.Parameters.AddWithValue("$state", job.State.ToString());
        command.Parameters.AddWithValue("$created", job.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$webhook", job.Webhook.ToString());
        command.Parameters.AddWithValue("$owner", (object?)job.Owner ?? DBNull.Value);
        command.Parameters.AddWithValue("$bodyHash", (object?)job.BodyHash ?? DBNull.Value);
        try
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (job, true);
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 && ex.Message.Contains("output_path", StringComparison.Ordinal))
        {
            throw new BatchOutputTakenException(job.OutputPath, ex);
        }

        var existing = await FindByIdempotencyKeyAsync(job.IdempotencyKey!, cancellationToken);
        return (existing ?? throw new InvalidOperationException($"Batch job with idempotency key '{job.IdempotencyKey}' vanished."), false);
    }

    /// <summary>The job, or null.</summary>
    public Task<BatchJobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        QuerySingleAsync("id = $p", id, cancellationToken);

    /// <summary>The job submitted with an idempotency key, or null.</summary>
    public Task<BatchJobRecord?> FindByIdempotencyKeyAsync(string key, CancellationToken cancellationToken) =>
        QuerySingleAsync("idempotency_key = $p", key, cancellationToken);

    /// <summary>
    /// True when an existing job writes <paramref name="outputPath"/> or <paramref name="errorsPath"/>, as its output or
    /// its rejected-rows file.
    /// </summary>
    public async Task<bool> IsOutputTakenAsync(string outputPath, string errorsPath, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT output_path, output_format FROM jobs WHERE output_path IN ($output, $errors) OR output_path LIKE $folder ESCAPE '\\'";
        command.Parameters.AddWithValue("$output", outputPath);
        command.Parameters.AddWithValue("$errors", errorsPath);
        var folder = Path.GetDirectoryName(outputPath) ?? string.Empty;
        command.Parameters.AddWithValue("$folder", EscapeLike(folder + Path.DirectorySeparatorChar) + "%");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var taken = reader.GetString(0);
            var takenErrors = BatchJobFiles.ErrorsPathFor(taken, Enum.Parse<BatchJobFormat>(reader.GetString(1)));
            if (taken == outputPath || taken == errorsPath || takenErrors == outputPath || takenErrors == errorsPath)
            {
                return true;
            }
        }

        return false;
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Ids of jobs that are not final, or final with a webhook still to deliver, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListResumableAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM jobs WHERE state IN ('Queued', 'Running') OR webhook = 'Pending' ORDER BY created_at";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Ids of the <paramref name="limit"/> most recently submitted jobs, newest first.</summary>
    public async Task<IReadOnlyList<string>> ListRecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM jobs ORDER BY created_at DESC, id LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Records the plan (rows and chunks) and the running state.</summary>
    public Task MarkRunningAsync(string id, long rowsTotal, int chunksTotal, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE jobs SET state = 'Running', rows_total = $rows, chunks_total = $chunks, started_at = COALESCE(started_at, $started) WHERE id = $id",
            cancellationToken, ("$id", id), ("$rows", rowsTotal), ("$chunks", chunksTotal), ("$started", startedAt.ToUnixTimeMilliseconds()));

    /// <summary>Records a final state.</summary>
    public Task FinishAsync(string id, BatchJobState state, string? error, DateTimeOffset finishedAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE jobs SET state = $state, error = $error, finished_at = $finished WHERE id = $id",
            cancellationToken, ("$id", id), ("$state", state.ToString()), ("$error", error), ("$finished", finishedAt.ToUnixTimeMilliseconds()));

    /// <summary>Records the webhook's delivery state.</summary>
    public Task SetWebhookAsync(string id, WebhookState state, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET webhook = $webhook WHERE id = $id", cancellationToken, ("$id", id), ("$webhook", state.ToString()));

    /// <summary>Records a webhook that was never delivered: its dead letter, and the job's webhook state Failed, in one transaction.</summary>
    public async Task DeadLetterWebhookAsync(string id, BatchWebhookDeadLetter letter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO webhook_dead_letters (job_id, url, attempts, last_outcome, failed_at) VALUES ($id, $url, $attempts, $outcome, $failed)
                ON CONFLICT(job_id) DO UPDATE SET url = $url, attempts = $attempts, last_outcome = $outcome, failed_at = $failed;
                UPDATE jobs SET webhook = 'Failed' WHERE id = $id;
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$url", letter.Url);
            command.Parameters.AddWithValue("$attempts", letter.Attempts);
            command.Parameters.AddWithValue("$outcome", letter.LastOutcome);
            command.Parameters.AddWithValue("$failed", letter.FailedAt.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The dead letter of a job's webhook, or null when it has none.</summary>
    public async Task<BatchWebhookDeadLetter?> GetWebhookDeadLetterAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT url, attempts, last_outcome, failed_at FROM webhook_dead_letters WHERE job_id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new BatchWebhookDeadLetter(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
            : null;
    }

    /// <summary>Ids of final jobs that finished before <paramref name="cutoff"/>, are not expired yet and owe no webhook, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListExpiringAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM jobs WHERE state IN ('Succeeded', 'Failed', 'Cancelled') AND webhook <> 'Pending' AND expired_at IS NULL AND finished_at < $cutoff ORDER BY finished_at";
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Records that a job's files were removed by the retention sweep.</summary>
    public Task MarkExpiredAsync(string id, DateTimeOffset expiredAt, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET expired_at = $expired WHERE id = $id", cancellationToken, ("$id", id), ("$expired", expiredAt.ToUnixTimeMilliseconds()));

    /// <summary>Checkpoints a finished chunk. Idempotent: a chunk checkpointed twice keeps its first record.</summary>
    public Task CheckpointAsync(string id, ChunkCheckpoint checkpoint, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO chunks (job_id, chunk_index, rows, errors) VALUES ($id, $index, $rows, $errors) ON CONFLICT DO NOTHING",
            cancellationToken, ("$id", id), ("$index", checkpoint.Index), ("$rows", checkpoint.Rows), ("$errors", checkpoint.Errors));

    /// <summary>Every checkpointed chunk of a job.</summary>
    public async Task<IReadOnlyList<ChunkCheckpoint>> GetCheckpointsAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chunk_index, rows, errors FROM chunks WHERE job_id = $id ORDER BY chunk_index";
        command.Parameters.AddWithValue("$id", id);
        var list = new List<ChunkCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ChunkCheckpoint(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return list;
    }
}

/// <summary>Another job already writes the output file a submission names.</summary>
public sealed class BatchOutputTakenException(string path, Exception inner) : Exception($"Another batch job writes '{path}'.", inner);
