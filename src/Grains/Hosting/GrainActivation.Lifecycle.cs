using Microsoft.Extensions.DependencyInjection;

namespace OrleansInference.Grains.Hosting;

/// <summary>Deactivation: idle collection, DeactivateOnIdle, shutdown; and the activation's timers.</summary>
internal sealed partial class GrainActivation
{
    private AsyncServiceScope? _scope;

    public void RequestDeactivateOnIdle()
    {
        Task? drained;
        lock (_lock)
        {
            if (_state is not (GrainActivationState.Activating or GrainActivationState.Active))
            {
                return;
            }

            _deactivateOnIdle = true;
            _keepAliveUntil = 0;
            if (_state != GrainActivationState.Active || _turnRunning)
            {
                // Picked up when the current turn (or the activation) finishes.
                return;
            }

            drained = BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The grain called DeactivateOnIdle."));
        }

        _ = RunDeactivationAsync(drained, useTimeout: true, CancellationToken.None);
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var until = Host.Time.GetTimestamp() + (long)(timeSpan.TotalSeconds * Host.Time.TimestampFrequency);
        lock (_lock)
        {
            _deactivateOnIdle = false;
            _keepAliveUntil = Math.Max(_keepAliveUntil, until);
        }
    }

    /// <summary>Starts idle deactivation when nothing runs or waits and the age limit has passed.</summary>
    public bool TryCollect(long now, TimeSpan ageLimit)
    {
        Task? drained;
        lock (_lock)
        {
            if (_state != GrainActivationState.Active || _turnRunning || _interleaved > 0 || _waitingTurns.Count > 0
                || now < _keepAliveUntil || Host.Time.GetElapsedTime(_lastActivity, now) < ageLimit || !Grain.CanBeCollectedWhenIdle)
            {
                return false;
            }

            drained = BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"Idle longer than {ageLimit}."));
        }

        _ = RunDeactivationAsync(drained, useTimeout: true, CancellationToken.None);
        return true;
    }

    /// <summary>Deactivates for shutdown: waits for in-flight calls and runs OnDeactivateAsync with the caller's token.</summary>
    public Task DeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Task? drained;
        lock (_lock)
        {
            switch (_state)
            {
                case GrainActivationState.Activating:
                    return DeactivateAfterActivationAsync(reason, cancellationToken);
                case GrainActivationState.Deactivating:
                case GrainActivationState.Deactivated:
                    return _deactivated.Task;
            }

            drained = BeginDeactivationLocked(reason);
        }

        return RunDeactivationAsync(drained, useTimeout: false, cancellationToken);
    }

    public GrainActivationInfo Describe(long now)
    {
        lock (_lock)
        {
            return new GrainActivationInfo(GrainId, GrainClass, _state, Host.Time.GetElapsedTime(_lastActivity, now), _turnRunning, _waitingTurns.Count, _interleaved);
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, period);
        bool added;
        lock (_lock)
        {
            added = _state is not GrainActivationState.Deactivated;
            if (added)
            {
                _timers.Add(timer);
            }
        }

        if (added)
        {
            timer.Start(dueTime);
        }
        else
        {
            timer.Dispose();
        }

        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private async Task DeactivateAfterActivationAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await _activated.Task.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed activation has already left the host.
            return;
        }

        await DeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Moves to Deactivating; queued turns are released to retry on a fresh activation. Returns what to wait for.</summary>
    private Task? BeginDeactivationLocked(DeactivationReason reason)
    {
        _state = GrainActivationState.Deactivating;
        _reason = reason;
        while (_waitingTurns.TryDequeue(out var waiter))
        {
            waiter.TrySetResult(false);
        }

        if (!_turnRunning && _interleaved == 0)
        {
            return null;
        }

        _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _drained.Task;
    }

    private async Task RunDeactivationAsync(Task? drained, bool useTimeout, CancellationToken cancellationToken)
    {
        using var timeout = useTimeout ? new CancellationTokenSource(Host.Options.DeactivationTimeout, Host.Time) : null;
        var token = timeout?.Token ?? cancellationToken;
        try
        {
            if (drained is not null)
            {
                await drained.WaitAsync(token);
            }

            DisposeTimers();
            await Grain.OnDeactivateAsync(_reason, token);
        }
        catch (Exception ex)
        {
            GrainHost.Log.DeactivationFailed(Host.Logger, GrainId, _reason.ReasonCode, ex);
        }
        finally
        {
            DisposeTimers();
            lock (_lock)
            {
                _state = GrainActivationState.Deactivated;
            }

            await DisposeScopeAsync(_scope);
            Host.OnActivationGone(this);
            GrainHost.Log.Deactivated(Host.Logger, GrainId, _reason.ReasonCode);
            _deactivated.TrySetResult();
        }
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            if (_timers.Count == 0)
            {
                return;
            }

            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    private async ValueTask DisposeScopeAsync(AsyncServiceScope? scope)
    {
        if (scope is not { } owned)
        {
            return;
        }

        try
        {
            await owned.DisposeAsync();
        }
        catch (Exception ex)
        {
            GrainHost.Log.DeactivationFailed(Host.Logger, GrainId, _reason.ReasonCode, ex);
        }
    }
}
