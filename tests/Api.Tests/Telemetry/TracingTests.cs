using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Telemetry;

/// <summary>
/// One request, one trace: the API's request span (ASP.NET Core), the model version's call span and the batch's span
/// (with its size) share the caller's trace id and are linked parent to child, over REST and gRPC; with
/// <c>Telemetry:OtlpEndpoint</c> set, the spans reach an OTLP receiver on 127.0.0.1.
/// </summary>
public sealed class TracingTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OnePredict_IsOneTrace_WithApiVersionAndBatchSpansLinked()
    {
        using var spans = new SpanCollector();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/predict")
        {
            Content = new StringContent(PredictBody(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await fixture.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var trace = await spans.WaitForAsync(traceId, "oi.batch.execute", Patience);
        AssertLinked(trace, "predict");
    }

    [Fact]
    public async Task OneGrpcInfer_IsOneTrace_WithApiVersionAndBatchSpansLinked()
    {
        using var spans = new SpanCollector();
        using var channel = GrpcChannel.ForAddress(fixture.Server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var traceId = ActivityTraceId.CreateRandom();
        var infer = new ModelInferRequest { ModelName = "iris" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents() };
        input.Contents.Fp32Contents.Add([Random.Shared.NextSingle() * 8, 3.5f, 1.4f, 0.2f]);
        infer.Inputs.Add(input);

        await client.ModelInferAsync(
            infer, new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" } }, DateTime.UtcNow.Add(Patience));

        var trace = await spans.WaitForAsync(traceId, "oi.batch.execute", Patience);
        AssertLinked(trace, "infer");
    }

    [Fact]
    public async Task WithAnOtlpEndpoint_SpansAreExported_ToTheReceiver()
    {
        using var receiver = new OtlpReceiver();
        await using var server = await ApiServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Telemetry:OtlpEndpoint"] = receiver.Endpoint,
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
        });

        using var response = await server.Client.PostAsync("api/v1/predict", new StringContent(PredictBody(), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        // The SDK exports in batches every few seconds; span names and tag keys travel as UTF-8 in the protobuf body.
        var exported = await receiver.WaitForAsync(["oi.batch.execute", "predict iris/", "oi.operation", "oi.batch.size", "orleans-inference"], Patience);
        Assert.Equal("/v1/traces", exported.Path);
    }

    [Theory]
    [InlineData("Telemetry:OtlpEndpoint", "127.0.0.1:4317", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry:OtlpEndpoint", "ftp://127.0.0.1/", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry:OtlpProtocol", "carrier-pigeon", "Telemetry:OtlpProtocol")]
    public async Task Start_WithInvalidTelemetryOptions_FailsNamingTheKey(string key, string value, string named)
    {
        var settings = new Dictionary<string, string> { [key] = value };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiServer.StartAsync(settings: settings));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static void AssertLinked(IReadOnlyList<Activity> trace, string operation)
    {
        var api = Assert.Single(trace, a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server);
        var call = Assert.Single(trace, a => a.OperationName == "oi.model_version.call" && (string?)a.GetTagItem("oi.operation") == operation);
        var batch = Assert.Single(trace, a => a.OperationName == "oi.batch.execute");

        Assert.True(IsAncestor(trace, api, call), "The model version's span does not descend from the API request's span.");
        Assert.True(batch.ParentSpanId == call.SpanId || batch.Links.Any(l => l.Context.SpanId == call.SpanId), "The batch's span is not linked to the version's span.");
        Assert.Equal("iris", call.GetTagItem("oi.model"));
        Assert.True(Convert.ToInt32(batch.GetTagItem("oi.batch.size"), CultureInfo.InvariantCulture) >= 1, "The batch's span carries no size.");
    }

    private static bool IsAncestor(IReadOnlyList<Activity> trace, Activity ancestor, Activity descendant)
    {
        var current = descendant;
        for (var hops = 0; hops < 16 && current is not null; hops++)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            current = trace.FirstOrDefault(a => a.SpanId == current.ParentSpanId);
        }

        return false;
    }

    // A row of its own each time, so a cached answer never skips the batch.
    private static string PredictBody() =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"model": "iris", "features": [[{{4 + Random.Shared.NextDouble() * 4:0.000000}}, 3.5, 1.4, 0.2]]}""");

    /// <summary>Records every stopped activity of the API, Orleans and the serving core while it lives.</summary>
    private sealed class SpanCollector : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ActivityListener _listener;

        public SpanCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "OrleansInference.Serving" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public async Task<IReadOnlyList<Activity>> WaitForAsync(ActivityTraceId traceId, string operation, TimeSpan patience)
        {
            var until = DateTime.UtcNow + patience;
            while (true)
            {
                var trace = _stopped.Where(a => a.TraceId == traceId).ToList();
                var apiDone = trace.Any(a => a.Source.Name == "Microsoft.AspNetCore");
                if ((apiDone && trace.Any(a => a.OperationName == operation)) || DateTime.UtcNow > until)
                {
                    Assert.True(trace.Count > 0, $"No span of trace {traceId} was recorded.");
                    Assert.True(apiDone, $"The API request's span was not recorded; got {string.Join(", ", trace.Select(a => a.OperationName))}.");
                    return trace;
                }

                await Task.Delay(50);
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>An OTLP/HTTP receiver on 127.0.0.1: answers every POST with 200 and keeps the bodies.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _posts = new();

        public OtlpReceiver()
        {
            _listener.Start();
            Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/traces";
            _ = AcceptAsync();
        }

        public string Endpoint { get; }

        public async Task<(string Path, byte[] Body)> WaitForAsync(string[] fragments, TimeSpan patience)
        {
            var until = DateTime.UtcNow + patience;
            while (DateTime.UtcNow < until)
            {
                var all = _posts.ToArray();
                var text = string.Concat(all.Select(p => Encoding.UTF8.GetString(p.Body)));
                if (all.Length > 0 && fragments.All(f => text.Contains(f, StringComparison.Ordinal)))
                {
                    return all[0];
                }

                await Task.Delay(100);
            }

            var seen = string.Concat(_posts.Select(p => Encoding.UTF8.GetString(p.Body)));
            var missing = fragments.Where(f => !seen.Contains(f, StringComparison.Ordinal));
            Assert.Fail($"The receiver got {_posts.Count} posts ({seen.Length} bytes) lacking {string.Join(", ", missing)}.");
            return default;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = ServeAsync(client);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var owned = client;
            var stream = client.GetStream();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var head = await ReadHeadAsync(stream);
                    if (head is null)
                    {
                        return;
                    }

                    var lines = head.Split("\r\n");
                    var path = lines[0].Split(' ')[1];
                    var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                        .Select(p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
                    var body = new byte[length];
                    await stream.ReadExactlyAsync(body, _stop.Token);
                    _posts.Enqueue((path, body));
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
            {
            }
        }

        private async Task<string?> ReadHeadAsync(NetworkStream stream)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 64 * 1024)
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0)
                {
                    return null;
                }

                head.Add(one[0]);
                if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
                {
                    return Encoding.ASCII.GetString([.. head]);
                }
            }

            return null;
        }
    }
}
