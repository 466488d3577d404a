using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// A generation stream read from a version's grain over a grain call, prefetched: a pump keeps the next pull of the
/// grain's <see cref="IAsyncEnumerable{T}"/> in flight while the caller is still writing the previous events, so a
/// token waits for one message from the silo instead of the caller's write plus a full round trip. The pump and the
/// caller meet in a bounded channel of <see cref="PrefetchEvents"/> events: when the caller falls behind, the pump stops
/// pulling, and the silo keeps at most the rest of the sequence (its <c>max_tokens</c>) for it.
/// </summary>
/// <remarks>
/// The silence watchdog runs only while the pump waits for the grain: a stream that sends nothing (no token, no
/// <see cref="GenerationEventKind.Alive"/>) for the call bound ends with an <see cref="InferenceStatus.Unavailable"/>
/// error event; the time the pump waits for a slow caller does not count. The pump alone owns the grain's enumerator
/// and disposes it (which cancels the sequence on the silo if it has not finished) before the caller's dispose returns.
/// </remarks>
internal static class RemoteGenerationStream
{
    /// <summary>Events read ahead of the caller at most: 32 (two flushes' worth of tokens at 16 concurrent streams).</summary>
    public const int PrefetchEvents = 32;

    private static readonly BoundedChannelOptions ChannelOptions = new(PrefetchEvents)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    };

    /// <summary>
    /// The events of the grain call <paramref name="start"/> (a version's or a replica's generation), Alive events
    /// dropped; <paramref name="onGridUnavailable"/> runs when the cluster fails the stream (a replica set to re-read).
    /// </summary>
    public static async IAsyncEnumerable<GenerationEvent> ReadAsync(
        Func<CancellationToken, IAsyncEnumerable<GenerationEvent>> start, string versionKey, TimeSpan callTimeout, Action? onGridUnavailable,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateBounded<GenerationEvent>(ChannelOptions);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(start, versionKey, callTimeout, onGridUnavailable, events.Writer, stop.Token);
        try
        {
            var reader = events.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            // The caller finished or left: stop the pump, which disposes the grain's enumerator.
            await stop.CancelAsync();
            await pump;
        }
    }

    /// <summary>Pulls the grain's events into <paramref name="writer"/>; never throws (a failure completes the writer with it).</summary>
    private static async Task PumpAsync(
        Func<CancellationToken, IAsyncEnumerable<GenerationEvent>> start, string versionKey, TimeSpan callTimeout, Action? onGridUnavailable,
        ChannelWriter<GenerationEvent> writer, CancellationToken stop)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(stop);
        silence.CancelAfter(callTimeout);
        IAsyncEnumerator<GenerationEvent>? events = null;
        var failed = false;
        Exception? error = null;
        try
        {
            events = start(silence.Token).GetAsyncEnumerator(silence.Token);
            while (true)
            {
                GenerationEvent? next = null;
                try
                {
                    if (await events.MoveNextAsync())
                    {
                        next = events.Current;
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    failed = true;
                    next = GenerationEvent.Failed(
                        InferenceStatus.Unavailable,
                        $"Model '{versionKey}' sent nothing for {callTimeout.TotalSeconds:0.#} s (its silo may have left the cluster); retry shortly.",
                        TimeSpan.FromSeconds(1));
                }
                catch (Exception ex) when (GridCalls.IsGridUnavailable(ex))
                {
                    onGridUnavailable?.Invoke();
                    failed = true;
                    next = GenerationEvent.Failed(InferenceStatus.Unavailable, $"Model '{versionKey}' stopped generating: {ex.Message} Retry shortly.", TimeSpan.FromSeconds(1));
                }

                if (next is null)
                {
                    break;
                }

                if (next.Kind != GenerationEventKind.Alive)
                {
                    if (!writer.TryWrite(next))
                    {
                        // The caller is behind: wait for room without the watchdog (the silo is not the one silent).
                        silence.CancelAfter(Timeout.InfiniteTimeSpan);
                        await writer.WriteAsync(next, stop);
                    }
                }

                silence.CancelAfter(callTimeout);
                if (failed)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The caller left.
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            writer.TryComplete(error);
            if (events is not null)
            {
                if (failed)
                {
                    // Disposing sends a grain call to the silo that failed: let it end on its own, observed.
                    _ = events.DisposeAsync().AsTask().ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                }
                else
                {
                    await DisposeQuietlyAsync(events);
                }
            }
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<GenerationEvent> events)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException || GridCalls.IsGridUnavailable(ex))
        {
            // The enumeration is gone on the silo already (it ended, or its silo did).
        }
    }
}
