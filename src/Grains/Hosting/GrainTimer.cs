namespace OrleansInference.Grains.Hosting;

/// <summary>
/// A grain timer: each tick waits for the activation's turn, runs the callback, then schedules the next tick one
/// period later, so ticks never overlap each other or other turns.
/// </summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly GrainActivation _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _period;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _timer;

    public GrainTimer(GrainActivation activation, Func<CancellationToken, Task> callback, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _period = period;
        _timer = activation.Host.Time.CreateTimer(static state => _ = ((GrainTimer)state!).TickAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start(TimeSpan dueTime) => Change(dueTime);

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private async Task TickAsync()
    {
        var token = _disposed.Token;
        if (token.IsCancellationRequested)
        {
            return;
        }

        try
        {
            if (!await _activation.EnterAsync(interleave: false, token))
            {
                return;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
            // The activation failed; it has already reported that to its callers.
            return;
        }

        try
        {
            await _callback(token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            GrainHost.Log.TimerFailed(_activation.Host.Logger, _activation.GrainId, ex);
        }
        catch (OperationCanceledException)
        {
            // Stopped by disposal or deactivation.
        }
        finally
        {
            _activation.Exit(interleave: false, activity: false);
        }

        if (_period != Timeout.InfiniteTimeSpan)
        {
            Change(_period);
        }
    }

    private void Change(TimeSpan dueTime)
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        try
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently.
        }
    }
}
