using System.Runtime.CompilerServices;

namespace OrleansInference.Grains.Hosting;

/// <summary>The call shapes: ValueTask or Task, with or without a result, with or without state.</summary>
public sealed partial class GrainReference<TGrain>
{
    /// <summary>Calls a grain method returning <see cref="ValueTask{TResult}"/>.</summary>
    /// <param name="state">Arguments passed to <paramref name="call"/>, so it can be a static lambda.</param>
    /// <param name="call">Invokes the method on the grain.</param>
    /// <param name="interleave">True for <c>[AlwaysInterleave]</c> methods: run without waiting for the grain's turn.</param>
    /// <param name="cancellationToken">Cancels waiting for activation or the turn; also passed to the method.</param>
    public ValueTask<TResult> InvokeAsync<TState, TResult>(
        TState state, Func<TGrain, TState, CancellationToken, ValueTask<TResult>> call, bool interleave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!TryEnterFast(interleave, out var activation))
        {
            return InvokeSlowAsync(state, call, interleave, cancellationToken);
        }

        ValueTask<TResult> pending;
        try
        {
            pending = call((TGrain)activation.Grain, state, cancellationToken);
        }
        catch (Exception ex)
        {
            activation.Exit(interleave);
            return ValueTask.FromException<TResult>(ex);
        }

        if (pending.IsCompleted)
        {
            activation.Exit(interleave);
            return pending;
        }

        return AwaitAndExitAsync(pending, activation, interleave);
    }

    /// <summary>Calls a grain method returning <see cref="Task{TResult}"/>.</summary>
    public Task<TResult> InvokeAsync<TState, TResult>(
        TState state, Func<TGrain, TState, CancellationToken, Task<TResult>> call, bool interleave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!TryEnterFast(interleave, out var activation))
        {
            return InvokeSlowAsync(state, call, interleave, cancellationToken);
        }

        Task<TResult> pending;
        try
        {
            pending = call((TGrain)activation.Grain, state, cancellationToken);
        }
        catch (Exception ex)
        {
            activation.Exit(interleave);
            return Task.FromException<TResult>(ex);
        }

        if (pending.IsCompleted)
        {
            activation.Exit(interleave);
            return pending;
        }

        return AwaitAndExitAsync(pending, activation, interleave);
    }

    /// <summary>Calls a grain method returning <see cref="ValueTask"/>.</summary>
    public ValueTask InvokeAsync<TState>(
        TState state, Func<TGrain, TState, CancellationToken, ValueTask> call, bool interleave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!TryEnterFast(interleave, out var activation))
        {
            return InvokeSlowAsync(state, call, interleave, cancellationToken);
        }

        ValueTask pending;
        try
        {
            pending = call((TGrain)activation.Grain, state, cancellationToken);
        }
        catch (Exception ex)
        {
            activation.Exit(interleave);
            return ValueTask.FromException(ex);
        }

        if (pending.IsCompleted)
        {
            activation.Exit(interleave);
            return pending;
        }

        return AwaitAndExitAsync(pending, activation, interleave);
    }

    /// <summary>Calls a grain method returning <see cref="Task"/>.</summary>
    public Task InvokeAsync<TState>(
        TState state, Func<TGrain, TState, CancellationToken, Task> call, bool interleave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!TryEnterFast(interleave, out var activation))
        {
            return InvokeSlowAsync(state, call, interleave, cancellationToken);
        }

        Task pending;
        try
        {
            pending = call((TGrain)activation.Grain, state, cancellationToken);
        }
        catch (Exception ex)
        {
            activation.Exit(interleave);
            return Task.FromException(ex);
        }

        if (pending.IsCompleted)
        {
            activation.Exit(interleave);
            return pending;
        }

        return AwaitAndExitAsync(pending, activation, interleave);
    }

    /// <summary>Calls a grain method without arguments returning <see cref="ValueTask{TResult}"/>.</summary>
    public ValueTask<TResult> InvokeAsync<TResult>(Func<TGrain, CancellationToken, ValueTask<TResult>> call, bool interleave, CancellationToken cancellationToken) =>
        InvokeAsync(call, static (grain, c, ct) => c(grain, ct), interleave, cancellationToken);

    /// <summary>Calls a grain method without arguments returning <see cref="Task{TResult}"/>.</summary>
    public Task<TResult> InvokeAsync<TResult>(Func<TGrain, CancellationToken, Task<TResult>> call, bool interleave, CancellationToken cancellationToken) =>
        InvokeAsync(call, static (grain, c, ct) => c(grain, ct), interleave, cancellationToken);

    /// <summary>Calls a grain method without arguments returning <see cref="ValueTask"/>.</summary>
    public ValueTask InvokeAsync(Func<TGrain, CancellationToken, ValueTask> call, bool interleave, CancellationToken cancellationToken) =>
        InvokeAsync(call, static (grain, c, ct) => c(grain, ct), interleave, cancellationToken);

    /// <summary>Calls a grain method without arguments returning <see cref="Task"/>.</summary>
    public Task InvokeAsync(Func<TGrain, CancellationToken, Task> call, bool interleave, CancellationToken cancellationToken) =>
        InvokeAsync(call, static (grain, c, ct) => c(grain, ct), interleave, cancellationToken);

    private async ValueTask<TResult> InvokeSlowAsync<TState, TResult>(
        TState state, Func<TGrain, TState, CancellationToken, ValueTask<TResult>> call, bool interleave, CancellationToken cancellationToken)
    {
        var activation = await EnterAsync(interleave, cancellationToken);
        try
        {
            return await call((TGrain)activation.Grain, state, cancellationToken);
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    private async Task<TResult> InvokeSlowAsync<TState, TResult>(
        TState state, Func<TGrain, TState, CancellationToken, Task<TResult>> call, bool interleave, CancellationToken cancellationToken)
    {
        var activation = await EnterAsync(interleave, cancellationToken);
        try
        {
            return await call((TGrain)activation.Grain, state, cancellationToken);
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    private async ValueTask InvokeSlowAsync<TState>(
        TState state, Func<TGrain, TState, CancellationToken, ValueTask> call, bool interleave, CancellationToken cancellationToken)
    {
        var activation = await EnterAsync(interleave, cancellationToken);
        try
        {
            await call((TGrain)activation.Grain, state, cancellationToken);
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    private async Task InvokeSlowAsync<TState>(
        TState state, Func<TGrain, TState, CancellationToken, Task> call, bool interleave, CancellationToken cancellationToken)
    {
        var activation = await EnterAsync(interleave, cancellationToken);
        try
        {
            await call((TGrain)activation.Grain, state, cancellationToken);
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<TResult> AwaitAndExitAsync<TResult>(ValueTask<TResult> pending, GrainActivation activation, bool interleave)
    {
        try
        {
            return await pending;
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    private static async Task<TResult> AwaitAndExitAsync<TResult>(Task<TResult> pending, GrainActivation activation, bool interleave)
    {
        try
        {
            return await pending;
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitAndExitAsync(ValueTask pending, GrainActivation activation, bool interleave)
    {
        try
        {
            await pending;
        }
        finally
        {
            activation.Exit(interleave);
        }
    }

    private static async Task AwaitAndExitAsync(Task pending, GrainActivation activation, bool interleave)
    {
        try
        {
            await pending;
        }
        finally
        {
            activation.Exit(interleave);
        }
    }
}
