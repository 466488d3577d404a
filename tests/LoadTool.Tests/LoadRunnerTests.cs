using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansInference.LoadTool.Tests;

public sealed class LoadRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Open_loop_warm_up_is_answered_but_not_recorded()
    {
        using var server = new TinyServer(TimeSpan.Zero);
        var target = new LoadTarget("test", server.Endpoint, HttpLoadConnection.EncodeRequest(server.Endpoint, "/x", "application/json", "{}"u8));

        var run = await LoadRunner.OpenLoopAsync(target, rate: 2000, TimeSpan.FromSeconds(0.5), connections: 4, warmup: TimeSpan.FromSeconds(0.25))
            .WaitAsync(Timeout);

        Assert.Equal(0, run.Errors);
        Assert.Equal(500, run.WarmupCompleted);
        Assert.Equal(1000, run.Completed);
        Assert.Equal(1000, run.Latency.Count);

        // The server counts an answer just after writing it, so the last count may trail the client's read briefly.
        var until = DateTime.UtcNow + Timeout;
        while (server.Answered < 1500 && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1500, server.Answered);
    }

    [Fact]
    public async Task Open_loop_behind_a_slow_server_answers_every_request_and_charges_the_queueing()
    {
        // One connection, ~5 ms per answer (a timer may fire up to a millisecond early): at most ~250 req/s against 1,000
        // offered, so a backlog builds for the whole schedule and the dispatcher spends it paused behind the queue.
        using var server = new TinyServer(TimeSpan.FromMilliseconds(5));
        var target = new LoadTarget("test", server.Endpoint, HttpLoadConnection.EncodeRequest(server.Endpoint, "/x", "application/json", "{}"u8));

        var run = await LoadRunner.OpenLoopAsync(target, rate: 1000, TimeSpan.FromSeconds(0.3), connections: 1).WaitAsync(Timeout);

        Assert.Equal(0, run.Errors);
        Assert.Equal(300, run.Completed);

        // The last requests waited for roughly half the schedule behind the ones before them: measured from their due
        // times, not from when a connection became free.
        Assert.True(run.Latency.P99Ms > 100, $"p99 {run.Latency.P99Ms} ms should include the time queued behind the backlog");
        Assert.True(run.Throughput < 400, $"throughput {run.Throughput} req/s cannot exceed what one connection at ~5 ms per answer serves");
    }

    /// <summary>Answers every request on every connection with a small 200, after an optional delay.</summary>
    private sealed class TinyServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly TimeSpan _delay;
        private int _answered;

        public TinyServer(TimeSpan delay)
        {
            _delay = delay;
            _listener.Start();
            Endpoint = (IPEndPoint)_listener.LocalEndpoint;
            _ = AcceptAsync();
        }

        public IPEndPoint Endpoint { get; }

        public int Answered => Volatile.Read(ref _answered);

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
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            var response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                var received = new StringBuilder();
                try
                {
                    while (true)
                    {
                        // One request at a time per connection, each ending with its "{}" body.
                        var read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        if (!received.ToString().EndsWith("\r\n\r\n{}", StringComparison.Ordinal))
                        {
                            continue;
                        }

                        received.Clear();
                        if (_delay > TimeSpan.Zero)
                        {
                            await Task.Delay(_delay, _stop.Token);
                        }

                        await stream.WriteAsync(response, _stop.Token);
                        Interlocked.Increment(ref _answered);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
