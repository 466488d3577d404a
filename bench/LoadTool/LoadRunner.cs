using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace OrleansInference.LoadTool;

/// <summary>A request to replay: where it goes and its encoded bytes.</summary>
internal sealed record LoadTarget(string System, IPEndPoint Endpoint, byte[] Request);

/// <summary>What one load run measured.</summary>
internal sealed record LoadRunResult(
    string System,
    string Mode,
    int Concurrency,
    double OfferedRate,
    double DurationSeconds,
    long Completed,
    long Errors,
    double Throughput,
    LatencySummary Latency,
    double DispatchLagP99Ms,
    double? ServerBytesPerRequest,
    double? ServerCpuUsPerRequest = null,
    double? GeneratorCpuPercent = null,
    long WarmupCompleted = 0);

/// <summary>
/// Open-loop load at a fixed arrival rate (latency from each request's scheduled send time, so a stalled server is
/// charged for the requests it delayed: free of coordinated omission) and closed-loop load at a fixed concurrency.
/// Both are bounded in time and in requests in flight.
/// </summary>
internal static class LoadRunner
{
    private static readonly double TicksToNs = 1e9 / Stopwatch.Frequency;

    /// <summary>Closed loop: <paramref name="concurrency"/> connections each send the next request when the last answers.</summary>
    public static async Task<LoadRunResult> ClosedLoopAsync(LoadTarget target, int concurrency, TimeSpan duration, bool record = true)
    {
        var generatorCpu = Environment.CpuUsage.TotalTime;
        var histogram = LatencySummary.NewHistogram();
        long errors = 0;
        using var abort = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
        var connections = await ConnectAsync(target, concurrency, abort.Token);
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var connection = connections[w];
            workers[w] = Task.Run(async () =>
            {
                using var owned = connection;
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var sent = Stopwatch.GetTimestamp();
                    if (!await TrySendAsync(connection, target.Request, abort.Token))
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }

                    histogram.RecordValue(LatencySummary.Trackable((long)((Stopwatch.GetTimestamp() - sent) * TicksToNs)));
                }
            });
        }

        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new LoadRunResult(target.System, "closed", concurrency, 0, elapsed, histogram.TotalCount, errors,
            histogram.TotalCount / elapsed, LatencySummary.Of(histogram), 0, null, GeneratorCpuPercent: GeneratorCpuPercent(generatorCpu, elapsed));
    }

    /// <summary>
    /// Open loop: requests are scheduled every 1/<paramref name="rate"/> s from the start; at its due time a dispatcher
    /// thread queues each to the first free of <paramref name="connections"/> connections; latency runs from the due
    /// time, so time spent waiting for a connection or for a stalled server counts. The first
    /// <paramref name="warmup"/> of the schedule runs at the same rate on the same connections but is not recorded
    /// (the calibration period of wrk2): new connections and the switch from the previous load settle there, and
    /// the measured period starts in the steady state without a pause. Errors count over the whole schedule.
    /// Requests still unanswered 10 s after the schedule ends count as errors. While every connection already has a
    /// request queued behind it, the dispatcher sleeps instead of yielding until the next due time (see the loop).
    /// `send lag` is how late the dispatcher released requests when no backlog excused it.
    /// </summary>
    public static async Task<LoadRunResult> OpenLoopAsync(LoadTarget target, double rate, TimeSpan duration, int connections, TimeSpan warmup = default)
    {
        var histogram = LatencySummary.NewHistogram();
        var lag = LatencySummary.NewHistogram();
        long errors = 0;
        long warmupAnswered = 0;
        var warmupCount = (long)(rate * warmup.TotalSeconds);
        var total = warmupCount + (long)(rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / rate;
        var queue = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true });
        using var abort = new CancellationTokenSource(warmup + duration + TimeSpan.FromSeconds(10));
        var opened = await ConnectAsync(target, connections, abort.Token);

        // Set once the schedule's start is known, before the first request is queued (the channel orders the two).
        var measuredFrom = long.MaxValue;
        var workers = new Task[connections];
        for (var w = 0; w < connections; w++)
        {
            var connection = opened[w];
            workers[w] = Task.Run(async () =>
            {
                using var owned = connection;
                try
                {
                    await foreach (var scheduled in queue.Reader.ReadAllAsync(abort.Token))
                    {
                        if (!await TrySendAsync(connection, target.Request, abort.Token))
                        {
                            Interlocked.Increment(ref errors);
                            continue;
                        }

                        if (scheduled < measuredFrom)
                        {
                            Interlocked.Increment(ref warmupAnswered);
                        }
                        else
                        {
                            histogram.RecordValue(LatencySummary.Trackable((long)((Stopwatch.GetTimestamp() - scheduled) * TicksToNs)));
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        var start = Stopwatch.GetTimestamp();
        measuredFrom = start + (long)(warmupCount * interval);
        var dispatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new Thread(() =>
        {
            // Requests due before the end of the last pause behind a backlog go out late on purpose (see below).
            var excusedUntil = long.MinValue;
            for (long i = 0; i < total; i++)
            {
                var scheduled = start + (long)(i * interval);
                var now = Stopwatch.GetTimestamp();
                while (now < scheduled)
                {
                    var backlogged = queue.Reader.Count >= connections;
                    if (backlogged || scheduled - now > Stopwatch.Frequency / 500)
                    {
                        // Far from due, or every connection has a request queued behind it already: a request due
                        // now would wait for a connection anyway and its latency runs from its due time, so sending
                        // it a millisecond late changes nothing measured, while yielding in a loop takes the
                        // generator's one core from the connections that are draining the backlog.
                        Thread.Sleep(1);
                        if (backlogged)
                        {
                            excusedUntil = Stopwatch.GetTimestamp();
                        }
                    }
                    else
                    {
                        Thread.Yield();
                    }

                    now = Stopwatch.GetTimestamp();
                }

                if (i >= warmupCount && scheduled > excusedUntil)
                {
                    lag.RecordValue(LatencySummary.Trackable((long)((now - scheduled) * TicksToNs)));
                }

                queue.Writer.TryWrite(scheduled);
            }

            queue.Writer.TryComplete();
            dispatched.TrySetResult();
        }) { IsBackground = true, Name = "open-loop dispatcher" };
        dispatcher.Start();

        // Awaited, never joined: on one core a pool thread blocked in Join stalls every response until the pool grows.
        await dispatched.Task;
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        var unanswered = Math.Max(0, total - warmupAnswered - histogram.TotalCount - errors);
        return new LoadRunResult(target.System, "open", connections, rate, elapsed, histogram.TotalCount, errors + unanswered,
            histogram.TotalCount / elapsed, LatencySummary.Of(histogram), LatencySummary.Of(lag).P99Ms, null, WarmupCompleted: warmupAnswered);
    }

    /// <summary>
    /// CPU this process (the load generator, pinned to one core) used since <paramref name="since"/>, as a percentage of
    /// one core over <paramref name="seconds"/>: near 100 means the generator, not the server, may be the limit.
    /// </summary>
    private static double GeneratorCpuPercent(TimeSpan since, double seconds) =>
        (Environment.CpuUsage.TotalTime - since).TotalSeconds / seconds * 100;

    private static async Task<HttpLoadConnection[]> ConnectAsync(LoadTarget target, int count, CancellationToken cancellationToken)
    {
        var connections = new HttpLoadConnection[count];
        for (var i = 0; i < count; i++)
        {
            connections[i] = new HttpLoadConnection(target.Endpoint);
            await connections[i].ConnectAsync(cancellationToken);
        }

        return connections;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> TrySendAsync(HttpLoadConnection connection, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            var status = await connection.SendAsync(request, cancellationToken);
            return status is >= 200 and < 300;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
