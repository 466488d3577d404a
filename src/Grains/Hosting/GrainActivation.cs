using Microsoft.Extensions.DependencyInjection;
using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>
/// One live instance of a grain and its turn scheduler. Non-interleaved calls and timer ticks run one at a time in
/// arrival order: the caller that finds no turn running runs on its own thread; later ones queue and are handed the
/// turn when the previous one exits. Interleaved calls only count themselves in. All state is guarded by <see cref="_lock"/>,
/// held only for short bookkeeping, never across an await.
/// </summary>
internal sealed partial class GrainActivation
{
    private readonly Lock _lock = new();
    private readonly GrainClassRegistration _registration;
    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<TaskCompletionSource<bool>> _waitingTurns = new();
    private readonly List<GrainTimer> _timers = [];
    private GrainActivationState _state = GrainActivationState.Activating;
    private bool _turnRunning;
    private int _interleaved;
    private bool _deactivateOnIdle;
    private long _lastActivity;
    private long _keepAliveUntil;
    private TaskCompletionSource? _drained;
    private DeactivationReason _reason;
    private Grain? _grain;

    public GrainActivation(GrainHost host, GrainClassRegistration registration, GrainId grainId)
    {
        Host = host;
        _registration = registration;
        GrainId = grainId;
        _lastActivity = host.Time.GetTimestamp();
    }

    public GrainHost Host { get; }

    public GrainId GrainId { get; }

    public Type GrainClass => _registration.GrainClass;

    /// <summary>The grain instance; set before the state becomes Active, so callers that entered may read it.</summary>
    public Grain Grain => _grain!;

    /// <summary>Completes once the activation has left the host (after deactivation or a failed activation).</summary>
    public Task Deactivated => _deactivated.Task;

    public GrainActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Creates the grain and runs <see cref="Grain.OnActivateAsync"/>; a failure faults every waiting caller.</summary>
    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        AsyncServiceScope? scope = null;
        try
        {
            scope = Host.Services.CreateAsyncScope();
            var grain = _registration.CreateInstance(scope.Value.ServiceProvider);
            grain.Attach(this);
            _grain = grain;
            _scope = scope;
            await grain.OnActivateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            GrainHost.Log.ActivationFailed(Host.Logger, GrainId, ex);
            DisposeTimers();
            lock (_lock)
            {
                _state = GrainActivationState.Deactivated;
            }

            await DisposeScopeAsync(scope);
            Host.OnActivationGone(this);
            _activated.TrySetException(ex);
            _deactivated.TrySetResult();
            return;
        }

        Task? drained = null;
        var deactivate = false;
        lock (_lock)
        {
            _state = GrainActivationState.Active;
            _lastActivity = Host.Time.GetTimestamp();
            if (_deactivateOnIdle)
            {
                drained = BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The grain asked to deactivate while activating."));
                deactivate = true;
            }
        }

        GrainHost.Log.Activated(Host.Logger, GrainId);
        _activated.TrySetResult();
        if (deactivate)
        {
            _ = RunDeactivationAsync(drained, useTimeout: true, CancellationToken.None);
        }
    }

    /// <summary>Fast path: enters without waiting when the activation is active and (for a turn) no turn is running.</summary>
    public bool TryEnter(bool interleave)
    {
        lock (_lock)
        {
            if (_state != GrainActivationState.Active)
            {
                return false;
            }

            if (interleave)
            {
                _interleaved++;
                return true;
            }

            // Invariant: a waiting turn implies a running one, so checking the flag alone keeps FIFO order.
            if (_turnRunning)
            {
                return false;
            }

            _turnRunning = true;
            return true;
        }
    }

    /// <summary>
    /// Waits for activation and for this caller's turn. True once entered (pair with <see cref="Exit"/>); false when the
    /// activation is going away, in which case the caller waits for <see cref="Deactivated"/> and retries.
    /// </summary>
    public async ValueTask<bool> EnterAsync(bool interleave, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            lock (_lock)
            {
                switch (_state)
                {
                    case GrainActivationState.Activating:
                        break;
                    case GrainActivationState.Active when interleave:
                        _interleaved++;
                        return true;
                    case GrainActivationState.Active when !_turnRunning:
                        _turnRunning = true;
                        return true;
                    case GrainActivationState.Active:
                        waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        _waitingTurns.Enqueue(waiter);
                        goto Wait;
                    default:
                        return false;
                }
            }

            // Activating: a failed activation rethrows its exception here.
            await _activated.Task.WaitAsync(cancellationToken);
            continue;

        Wait:
            // A cancelled waiter stays queued; the turn hand-off skips it because its result can no longer be set.
            using (cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource<bool>)state!).TrySetCanceled(token), waiter))
            {
                return await waiter.Task;
            }
        }
    }

    /// <summary>Leaves a call or turn entered by <see cref="TryEnter"/> or <see cref="EnterAsync"/>.</summary>
    /// <param name="interleave">Whether the call was interleaved.</param>
    /// <param name="activity">Whether it counts as activity for idle collection (timer ticks do not).</param>
    public void Exit(bool interleave, bool activity = true)
    {
        TaskCompletionSource? drained = null;
        Task? deactivationDrained = null;
        var deactivate = false;
        lock (_lock)
        {
            if (activity)
            {
                _lastActivity = Host.Time.GetTimestamp();
            }

            if (interleave)
            {
                _interleaved--;
            }
            else if (_state == GrainActivationState.Active && _deactivateOnIdle)
            {
                _turnRunning = false;
                deactivationDrained = BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The grain called DeactivateOnIdle."));
                deactivate = true;
            }
            else
            {
                _turnRunning = HandOffTurnLocked();
            }

            if (_state == GrainActivationState.Deactivating && !_turnRunning && _interleaved == 0)
            {
                drained = _drained;
                _drained = null;
            }
        }

        drained?.TrySetResult();
        if (deactivate)
        {
            _ = RunDeactivationAsync(deactivationDrained, useTimeout: true, CancellationToken.None);
        }
    }

    private bool HandOffTurnLocked()
    {
        if (_state != GrainActivationState.Active)
        {
            return false;
        }

        while (_waitingTurns.TryDequeue(out var next))
        {
            if (next.TrySetResult(true))
            {
                return true;
            }
        }

        return false;
    }
}
