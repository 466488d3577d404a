using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.BatchJobs;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Delivers completion webhooks: <c>POST</c> of a JSON body with <c>X-Signature-256: sha256=&lt;hex HMAC-SHA256 of the
/// body keyed with BatchJobs:WebhookSecret&gt;</c>, retried on failure (connection errors, timeouts, 408, 429, 5xx) by a
/// Polly pipeline with jittered exponential backoff, bounded in attempts and in total time; a webhook that is never
/// delivered becomes a dead letter (<see cref="BatchWebhookDeadLetter"/>) that the job keeps. Connections go only to addresses <see cref="CallbackAddressPolicy"/> allows, checked on the
/// address the socket actually connected to. Webhooks never go through a proxy (<c>HTTP_PROXY</c>/<c>HTTPS_PROXY</c> are
/// ignored): through a proxy the connected address would be the proxy's, and the callback host's address could not be
/// checked.
/// </summary>
public sealed partial class BatchWebhookSender : IDisposable
{
    private static readonly ResiliencePropertyKey<WebhookAttempt> AttemptKey = new("orleans-inference.webhook-attempt");

    private readonly BatchJobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BatchWebhookSender> _logger;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public BatchWebhookSender(IOptions<BatchJobOptions> options, CallbackAddressPolicy policy, TimeProvider time, ILogger<BatchWebhookSender> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, ct) =>
            {
                var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                var allowed = addresses.Where(policy.IsAllowed).ToArray();
                if (allowed.Length == 0)
                {
                    throw new HttpRequestException($"Callback host '{context.DnsEndPoint.Host}' resolves only to refused addresses.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                    if (socket.RemoteEndPoint is not System.Net.IPEndPoint connected || !policy.IsAllowed(connected.Address))
                    {
                        throw new HttpRequestException($"Callback host '{context.DnsEndPoint.Host}' connected to a refused address ({socket.RemoteEndPoint}).");
                    }

                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = BuildPipeline();
    }

    /// <summary>The signature header value of a body.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// Sends the body through the delivery pipeline until a 2xx answer; null when delivered, otherwise the dead letter
    /// that says why not (attempts exhausted, a 4xx other than 408/429, or <see cref="BatchJobOptions.WebhookTotalTimeout"/> passed).
    /// </summary>
    public async Task<BatchWebhookDeadLetter?> SendAsync(string jobId, string url, byte[] body, CancellationToken cancellationToken)
    {
        var attempt = new WebhookAttempt(jobId, url, body, Sign(body, _options.WebhookSecret ?? string.Empty));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptKey, attempt);
        try
        {
            using var response = await _pipeline.ExecuteAsync(static (context, state) => state.Sender.AttemptAsync(context, state.Attempt), context, (Sender: this, Attempt: attempt));
            if (response.IsSuccessStatusCode)
            {
                Log.Delivered(_logger, jobId, url, attempt.Number);
                return null;
            }

            if (!IsTransient((int)response.StatusCode))
            {
                Log.Rejected(_logger, jobId, url, (int)response.StatusCode);
                attempt.LastOutcome += " (not retried: the receiver refused the webhook)";
            }
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested && ex.Timeout == _options.WebhookTotalTimeout && attempt.Number > 0)
        {
            attempt.LastOutcome += $"; delivery ran past BatchJobs:WebhookTotalTimeout ({_options.WebhookTotalTimeout})";
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var letter = new BatchWebhookDeadLetter(url, attempt.Number, attempt.LastOutcome, _time.GetUtcNow());
        Log.DeadLettered(_logger, jobId, url, letter.Attempts, letter.LastOutcome);
        return letter;
    }

    /// <summary>True for answers worth retrying: 408, 429 and 5xx.</summary>
    private static bool IsTransient(int status) => status >= 500 || status is 408 or 429;

    /// <summary>
    /// Built once: the whole delivery under <see cref="BatchJobOptions.WebhookTotalTimeout"/>, retries with jittered
    /// exponential backoff on connection errors, attempt timeouts and transient answers, each attempt under
    /// <see cref="BatchJobOptions.WebhookTimeout"/>.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        builder.AddTimeout(_options.WebhookTotalTimeout);
        if (_options.WebhookMaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.WebhookMaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.WebhookInitialBackoff,
                MaxDelay = _options.WebhookMaxBackoff,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } response } => IsTransient((int)response.StatusCode),
                    _ => false,
                }),
                OnRetry = args =>
                {
                    var attempt = args.Context.Properties.GetValue(AttemptKey, null!);
                    Log.Retrying(_logger, attempt.JobId, attempt.Url, attempt.Number, attempt.LastOutcome, args.RetryDelay);
                    return default;
                },
            });
        }

        builder.AddTimeout(_options.WebhookTimeout);
        return builder.Build();
    }

    private async ValueTask<HttpResponseMessage> AttemptAsync(ResilienceContext context, WebhookAttempt attempt)
    {
        attempt.Number++;
        using var request = new HttpRequestMessage(HttpMethod.Post, attempt.Url) { Content = new ByteArrayContent(attempt.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-256", attempt.Signature);
        request.Headers.Add("X-Batch-Job-Id", attempt.JobId);
        request.Headers.Add("X-Delivery-Attempt", attempt.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var response = await _client.SendAsync(request, context.CancellationToken);
            attempt.LastOutcome = $"HTTP {(int)response.StatusCode}";
            return response;
        }
        catch (HttpRequestException ex)
        {
            attempt.LastOutcome = ex.Message;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            attempt.LastOutcome = $"no answer within BatchJobs:WebhookTimeout ({_options.WebhookTimeout})";
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Webhook of batch job {JobId} delivered to {Url} on attempt {Attempt}.")]
        public static partial void Delivered(ILogger logger, string jobId, string url, int attempt);

        [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Webhook of batch job {JobId} to {Url} failed on attempt {Attempt} ({Outcome}); retrying in {Backoff}.")]
        public static partial void Retrying(ILogger logger, string jobId, string url, int attempt, string outcome, TimeSpan backoff);

        [LoggerMessage(EventId = 4022, Level = LogLevel.Error, Message = "Webhook of batch job {JobId} to {Url} dead-lettered after {Attempts} attempts ({Outcome}).")]
        public static partial void DeadLettered(ILogger logger, string jobId, string url, int attempts, string outcome);

        [LoggerMessage(EventId = 4023, Level = LogLevel.Error, Message = "Webhook of batch job {JobId} was rejected by {Url} with HTTP {Status}; not retrying.")]
        public static partial void Rejected(ILogger logger, string jobId, string url, int status);
    }

    /// <summary>One delivery's progress, shared by its attempts, the retry callback and the dead letter.</summary>
    private sealed class WebhookAttempt(string jobId, string url, byte[] body, string signature)
    {
        public string JobId { get; } = jobId;

        public string Url { get; } = url;

        public byte[] Body { get; } = body;

        public string Signature { get; } = signature;

        public int Number { get; set; }

        public string LastOutcome { get; set; } = "not attempted";
    }
}
