using Orleans;
using System.Security.Cryptography;
using OrleansInference.Api.Http;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Api.Batch;

/// <summary>
/// Batch inference jobs: <c>POST /api/v1/batch</c> (202 + Location), <c>GET /api/v1/batch/{id}</c> (progress),
/// <c>GET /api/v1/batch/{id}/output</c> and <c>/errors</c> (the files, once the job succeeded), <c>DELETE /api/v1/batch/{id}</c> (cancel).
/// A job belongs to the API key that submitted it: another key without the admin role gets 404 for it, as if it did not exist.
/// </summary>
internal static class BatchJobEndpoints
{
    private const long MaxSubmissionBytes = 256L * 1024 * 1024;
    private const string RetryAfterSeconds = "2";
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string StatusUrl(string jobId) => "/api/v1/batch/" + jobId;

    /// <summary>Maps the batch job endpoints.</summary>
    public static IEndpointRouteBuilder MapBatchJobEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/batch", SubmitAsync).WithMetadata(RequestBodyLimitMetadata.Own).WithName("SubmitBatchJob").WithSummary("Submit a batch inference job over a file or uploaded records.");
        app.MapGet("/api/v1/batch/{id}", GetAsync).WithName("GetBatchJob").WithSummary("A batch job's state and progress.");
        app.MapGet("/api/v1/batch/{id}/output", (string id, HttpContext context, IGrainFactory grains) => DownloadAsync(id, context, grains, errors: false))
            .WithName("GetBatchJobOutput").WithSummary("Download a succeeded job's output file.");
        app.MapGet("/api/v1/batch/{id}/errors", (string id, HttpContext context, IGrainFactory grains) => DownloadAsync(id, context, grains, errors: true))
            .WithName("GetBatchJobErrors").WithSummary("Download a finished job's rejected rows with their reasons.");
        app.MapDelete("/api/v1/batch/{id}", CancelAsync).WithName("CancelBatchJob").WithSummary("Cancel a queued or running batch job.");
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, IGrainFactory grains)
    {
        var cancellationToken = context.RequestAborted;
        using var body = await RequestBodyReader.ReadAsync(context.Request, MaxSubmissionBytes, cancellationToken);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var caller = ApiCaller.Of(context);
        var submission = BatchSubmitRequestReader.Read(body.Memory, string.IsNullOrEmpty(key) ? null : key) with
        {
            Owner = caller.KeyName,
            BodyHash = Convert.ToHexStringLower(SHA256.HashData(body.Memory.Span)),
        };
        var result = await grains.GetGrain<IBatchSubmissionGrain>(0).SubmitAsync(submission, cancellationToken);
        switch (result.Error)
        {
            case BatchJobSubmitError.InvalidRequest:
                return Problems.BadRequest(result.Message!);
            case BatchJobSubmitError.NotFound:
                return Problems.NotFound(result.Message!);
            case BatchJobSubmitError.Conflict:
                return Problems.Conflict(result.Message!);
        }

        var job = result.Job!;
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        if (!result.Created)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        context.Response.Headers.Location = StatusUrl(job.JobId);
        return Results.Json(BatchJobView.From(job), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (await FindAsync(id, context, grains) is not { } job)
        {
            return UnknownJob(id);
        }

        if (!job.IsFinal)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        return Results.Json(BatchJobView.From(job));
    }

    private static async Task<IResult> CancelAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var cancellationToken = context.RequestAborted;
        if (await FindAsync(id, context, grains) is not { } before)
        {
            return UnknownJob(id);
        }

        var grain = grains.GetGrain<IBatchJobGrain>(id);

        if (before.IsFinal)
        {
            return Problems.Conflict($"Batch job '{id}' already {BatchJobStates.ToWire(before.State)}; only queued or running jobs can be cancelled.");
        }

        var after = await grain.CancelAsync(cancellationToken);
        return Results.Json(BatchJobView.From(after!));
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, IGrainFactory grains, bool errors)
    {
        if (await FindAsync(id, context, grains) is not { } job)
        {
            return UnknownJob(id);
        }

        if (job.ExpiredAt is { } expired)
        {
            return Results.Problem(
                $"Batch job '{id}' expired at {expired:O}: its files were removed after the retention period (BatchJobs:Retention).",
                statusCode: StatusCodes.Status410Gone,
                title: "Expired");
        }

        var path = errors ? job.ErrorsPath : job.OutputPath;
        if (path is null || !File.Exists(path))
        {
            return Problems.Conflict(
                $"Batch job '{id}' is {BatchJobStates.ToWire(job.State)}; its {(errors ? "errors file" : "output")} is available once it has succeeded.");
        }

        var contentType = job.Format == BatchJobFormat.Csv ? "text/csv" : "application/x-ndjson";
        return Results.File(path, contentType, fileDownloadName: $"{id}{(errors ? ".errors" : string.Empty)}{BatchJobStates.FileExtension(job.Format)}", enableRangeProcessing: true);
    }

    // Another key's job is answered exactly as a job that does not exist, so job ids cannot be probed.
    private static async Task<BatchJobStatus?> FindAsync(string id, HttpContext context, IGrainFactory grains) =>
        IsJobId(id) && await grains.GetGrain<IBatchJobGrain>(id).GetStatusAsync(context.RequestAborted) is { } job && ApiCaller.Of(context).MaySee(job.Owner)
            ? job
            : null;

    private static bool IsJobId(string id) => id.Length == 32 && id.AsSpan().IndexOfAnyExcept(HexDigits) < 0;

    private static IResult UnknownJob(string id) => Problems.NotFound($"Batch job '{id}' does not exist.");
}
