using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Delivers completion webhooks: <c>POST</c> of a JSON body with <c>X-Signature-256: sha256=&lt;hex HMAC-SHA256 of the
/// body keyed with BatchJobs:WebhookSecret&gt;</c>, retried on failure (connection errors, timeouts, 408, 429, 5xx) with
/// exponential backoff. Connections go only to addresses <see cref="CallbackAddressPolicy"/> allows, checked on the
/// address the socket actually connected to. Webhooks never go through a proxy (<c>HTTP_PROXY</c>/<c>HTTPS_PROXY</c> are
/// ignored): through a proxy the connected address would be the proxy's, and the callback host's address could not be
/// checked.
/// </summary>
public sealed partial class BatchWebhookSender : IDisposable
{
    private readonly BatchJobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BatchWebhookSender> _logger;
    private readonly HttpClient _client;

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
    }

    /// <summary>The signature header value of a body.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Sends the body until a 2xx answer or the attempts run out; true when delivered.</summary>
    public async Task<bool> SendAsync(string jobId, string url, byte[] body, CancellationToken cancellationToken)
    {
        var signature = Sign(body, _options.WebhookSecret ?? string.Empty);
        var backoff = _options.WebhookInitialBackoff;
        for (var attempt = 1; attempt <= _options.WebhookMaxAttempts; attempt++)
        {
            string outcome;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.WebhookTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new("application/json");
                    request.Headers.Add("X-Signature-256", signature);
                    request.Headers.Add("X-Batch-Job-Id", jobId);
                    request.Headers.Add("X-Delivery-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    using var response = await _client.SendAsync(request, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        Log.Delivered(_logger, jobId, url, attempt);
                        return true;
                    }

                    var code = (int)response.StatusCode;
                    outcome = $"HTTP {code}";
                    if (code < 500 && code != 408 && code != 429)
                    {
                        Log.Rejected(_logger, jobId, url, code);
                        return false;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    outcome = ex.Message;
                }
            }

            if (attempt == _options.WebhookMaxAttempts)
            {
                Log.GaveUp(_logger, jobId, url, attempt, outcome);
                return false;
            }

            Log.Retrying(_logger, jobId, url, attempt, outcome, backoff);
            await Task.Delay(backoff, _time, cancellationToken);
            backoff *= 2;
        }

        return false;
    }

    public void Dispose() => _client.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Webhook of batch job {JobId} delivered to {Url} on attempt {Attempt}.")]
        public static partial void Delivered(ILogger logger, string jobId, string url, int attempt);

        [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Webhook of batch job {JobId} to {Url} failed on attempt {Attempt} ({Outcome}); retrying in {Backoff}.")]
        public static partial void Retrying(ILogger logger, string jobId, string url, int attempt, string outcome, TimeSpan backoff);

        [LoggerMessage(EventId = 4022, Level = LogLevel.Error, Message = "Webhook of batch job {JobId} to {Url} failed after {Attempts} attempts ({Outcome}); giving up.")]
        public static partial void GaveUp(ILogger logger, string jobId, string url, int attempts, string outcome);

        [LoggerMessage(EventId = 4023, Level = LogLevel.Error, Message = "Webhook of batch job {JobId} was rejected by {Url} with HTTP {Status}; not retrying.")]
        public static partial void Rejected(ILogger logger, string jobId, string url, int status);
    }
}
