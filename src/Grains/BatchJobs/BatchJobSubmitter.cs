using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Validates a submission (model and version, format, input path inside the data root, output path inside the output
/// root, chunk size, callback URL), persists the job and starts its grain. The version is resolved once, here, so every
/// row of a job is scored by the same version.
/// </summary>
public sealed class BatchJobSubmitter(
    IGrainFactory grains, ModelCatalog catalog, IBatchJobStore store, BatchJobPaths paths, CallbackAddressPolicy callbacks,
    IOptions<BatchJobOptions> options, TimeProvider time)
{
    private readonly BatchJobOptions _options = options.Value;

    /// <summary>Submits a job.</summary>
    public async Task<BatchJobSubmitResult> SubmitAsync(BatchJobSubmission request, CancellationToken cancellationToken)
    {
        var scopedKey = ScopedIdempotencyKey(request);
        if (scopedKey is not null)
        {
            if (request.IdempotencyKey!.Length is 0 or > 200)
            {
                return BatchJobSubmitResult.Invalid("The Idempotency-Key header must be 1 to 200 characters.");
            }

            if (await store.FindByIdempotencyKeyAsync(scopedKey, cancellationToken) is { } existing)
            {
                return await ReplayAsync(existing, request, cancellationToken);
            }
        }

        if (!ModelKeys.IsValidName(request.Model))
        {
            return BatchJobSubmitResult.Invalid("The body needs 'model', the name of a registered model.");
        }

        if (!catalog.Contains(request.Model!))
        {
            return BatchJobSubmitResult.NotFound($"Model '{request.Model}' is not registered. Registered models: {string.Join(", ", catalog.ModelNames)}.");
        }

        var route = await grains.GetGrain<IModelGrain>(request.Model!).ResolveAsync(request.Version, null, cancellationToken);
        if (!route.Found || !catalog.TryGet(request.Model!, route.Version!, out var entry))
        {
            return BatchJobSubmitResult.NotFound(route.Error ?? $"Model '{request.Model}' has no version '{request.Version}'.");
        }

        if (entry.Config.Inputs.Count != 1 || !string.Equals(entry.Config.Inputs[0].Datatype, "FP32", StringComparison.OrdinalIgnoreCase) || entry.Vectorizer.Columns == 0)
        {
            return BatchJobSubmitResult.Invalid($"Model '{entry.Name}/{entry.Version}' takes tensors, not feature rows; batch jobs need a model with one FP32 feature input.");
        }

        BatchJobFormat? format = null;
        if (request.Format is not null)
        {
            if (!BatchJobStates.TryParseFormat(request.Format, out var parsed))
            {
                return BatchJobSubmitResult.Invalid($"Unknown format '{request.Format}'; use 'csv' or 'jsonl'.");
            }

            format = parsed;
        }

        var chunkRows = request.BatchSize ?? _options.ChunkRows;
        if (chunkRows is < 1 or > 1_000_000)
        {
            return BatchJobSubmitResult.Invalid($"'batch_size' is {chunkRows}; it must be from 1 to 1000000 rows.");
        }

        if (request.CallbackUrl is not null && await callbacks.CheckAsync(request.CallbackUrl, cancellationToken) is { } refused)
        {
            return BatchJobSubmitResult.Invalid(refused);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var input = await ResolveInputAsync(request, id, format, entry, cancellationToken);
        if (input.Error is not null)
        {
            return BatchJobSubmitResult.Invalid(input.Error);
        }

        var outputFormat = format ?? input.Format;
        string outputPath;
        if (request.OutputUri is not null)
        {
            if (!paths.TryResolveOutput(request.OutputUri, out outputPath, out var error))
            {
                DeleteUpload(request, id);
                return BatchJobSubmitResult.Invalid(error);
            }

            if (await OutputTakenAsync(request.OutputUri, outputPath, outputFormat, cancellationToken) is { } taken)
            {
                DeleteUpload(request, id);
                return BatchJobSubmitResult.Conflict(taken);
            }
        }
        else
        {
            outputPath = Path.Combine(paths.OutputRoot, id, "output" + BatchJobStates.FileExtension(outputFormat));
        }

        var record = new BatchJobRecord(
            id, scopedKey, entry.Name, entry.Version, input.Path, input.Format, outputFormat, outputPath, chunkRows,
            request.CallbackUrl, BatchJobState.Queued, time.GetUtcNow(), Webhook: request.CallbackUrl is null ? WebhookState.None : WebhookState.Pending,
            Owner: request.Owner, BodyHash: request.BodyHash);
        BatchJobRecord job;
        bool created;
        try
        {
            (job, created) = await store.CreateAsync(record, cancellationToken);
        }
        catch (BatchOutputTakenException)
        {
            DeleteUpload(request, id);

            // A concurrent twin with the same idempotency key took the output first: that is a replay, not a conflict.
            if (scopedKey is not null && await store.FindByIdempotencyKeyAsync(scopedKey, cancellationToken) is { } twin)
            {
                return await ReplayAsync(twin, request, cancellationToken);
            }

            return BatchJobSubmitResult.Conflict(OutputTakenMessage(request.OutputUri ?? outputPath));
        }

        if (!created)
        {
            // Lost a race on the idempotency key: the uploaded copy belongs to no job.
            DeleteUpload(request, id);
            return await ReplayAsync(job, request, cancellationToken);
        }

        var status = await grains.GetGrain<IBatchJobGrain>(job.Id).StartAsync(cancellationToken);
        return new BatchJobSubmitResult(status, created);
    }

    /// <summary>
    /// The idempotency key as stored: scoped to the caller, so one API key's key never finds another key's job. Null
    /// without a key. A server without API keys has one caller, and stores the key as given.
    /// </summary>
    private static string? ScopedIdempotencyKey(BatchJobSubmission request) => request.IdempotencyKey switch
    {
        null => null,
        var key when request.Owner is null => key,
        var key => request.Owner + "\u001f" + key,
    };

    // A repeated key answers with the first job only when the body is the same one; another body is a client bug (409).
    private async Task<BatchJobSubmitResult> ReplayAsync(BatchJobRecord existing, BatchJobSubmission request, CancellationToken cancellationToken)
    {
        if (existing.BodyHash is not null && request.BodyHash is not null && !string.Equals(existing.BodyHash, request.BodyHash, StringComparison.Ordinal))
        {
            return BatchJobSubmitResult.Conflict(
                $"Idempotency-Key '{request.IdempotencyKey}' was already used for batch job '{existing.Id}' with a different request body; " +
                "send the same body to get that job back, or use a new key for a new job.");
        }

        return new BatchJobSubmitResult(await grains.GetGrain<IBatchJobGrain>(existing.Id).StartAsync(cancellationToken), Created: false);
    }

    // One job's output can never overwrite another's: the output (and its rejected-rows file beside it) must be new.
    private async Task<string?> OutputTakenAsync(string uri, string outputPath, BatchJobFormat format, CancellationToken cancellationToken)
    {
        var errorsPath = BatchJobFiles.ErrorsPathFor(outputPath, format);
        if (Directory.Exists(outputPath))
        {
            return $"'output_uri' '{uri}' names a folder; name a file that does not exist yet.";
        }

        if (File.Exists(outputPath) || File.Exists(errorsPath) || await store.IsOutputTakenAsync(outputPath, errorsPath, cancellationToken))
        {
            return OutputTakenMessage(uri);
        }

        return null;
    }

    private static string OutputTakenMessage(string uri) =>
        $"'output_uri' '{uri}' is already used by another batch job or exists under the output root; batch jobs never overwrite output. Name a new file.";

    private void DeleteUpload(BatchJobSubmission request, string id)
    {
        if (request.InlineRecords is not null && Directory.Exists(paths.WorkDirectory(id)))
        {
            Directory.Delete(paths.WorkDirectory(id), recursive: true);
        }
    }

    private async Task<(string Path, BatchJobFormat Format, string? Error)> ResolveInputAsync(
        BatchJobSubmission request, string id, BatchJobFormat? format, CatalogEntry entry, CancellationToken cancellationToken)
    {
        if ((request.InputUri is null) == (request.InlineRecords is null))
        {
            return (string.Empty, default, "The body needs exactly one of 'input_uri' (a file under the data root) and 'inputs' (an array of records).");
        }

        if (request.InlineRecords is { } records)
        {
            if (records.Count == 0 || records.Count > _options.MaxInlineRows)
            {
                return (string.Empty, default, $"'inputs' has {records.Count} records; it must have 1 to {_options.MaxInlineRows} (larger inputs belong in a file under the data root).");
            }

            var path = Path.Combine(paths.WorkDirectory(id), "input.jsonl");
            await BatchJobFiles.WriteAtomicallyAsync(path, async (stream, ct) =>
            {
                foreach (var line in records)
                {
                    await stream.WriteAsync(line, ct);
                    stream.WriteByte((byte)'\n');
                }
            }, cancellationToken);
            return (path, BatchJobFormat.JsonLines, null);
        }

        if (!paths.TryResolveInput(request.InputUri!, out var inputPath, out var pathError))
        {
            return (string.Empty, default, pathError);
        }

        if (!File.Exists(inputPath))
        {
            return (string.Empty, default, $"Input '{request.InputUri}' does not exist under the data root.");
        }

        if (ContainedPath.RefuseFile(paths.DataRoot, inputPath, request.InputUri!, "BatchJobs:DataRoot") is { } linkError)
        {
            return (string.Empty, default, linkError);
        }

        var inputFormat = Path.GetExtension(inputPath).ToLowerInvariant() switch
        {
            ".csv" => BatchJobFormat.Csv,
            ".jsonl" or ".ndjson" => BatchJobFormat.JsonLines,
            _ => format,
        };
        if (inputFormat is null)
        {
            return (string.Empty, default, $"Cannot tell the format of '{request.InputUri}' from its extension; name it .csv or .jsonl, or set 'format'.");
        }

        if (inputFormat == BatchJobFormat.Csv)
        {
            var header = await ReadHeaderAsync(inputPath, cancellationToken);
            if (header is null)
            {
                return (string.Empty, default, $"Input '{request.InputUri}' is empty; a CSV input needs a header row naming the features.");
            }

            if (CsvRowParser.Create(header, entry.Vectorizer, entry.Name, out var headerError) is null)
            {
                return (string.Empty, default, $"Input '{request.InputUri}': {headerError}");
            }
        }

        return (inputPath, inputFormat.Value, null);
    }

    private static async Task<string?> ReadHeaderAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                return line;
            }
        }

        return null;
    }
}
