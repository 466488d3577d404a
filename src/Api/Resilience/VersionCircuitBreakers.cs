using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using Polly;
using Polly.CircuitBreaker;

namespace OrleansInference.Api.Resilience;

/// <summary>
/// One Polly circuit breaker per model version around the API's inference calls into the grid (REST predict, v2 REST
/// and gRPC). A version whose calls keep failing (model failures, timeouts, not serving) is cut off for
/// <see cref="ResilienceOptions.BreakDuration"/>; meanwhile its model's configured fallback version answers, marked as
/// such, or the call is a 503 with Retry-After. After the break one trial call decides whether the breaker closes.
/// Each version's pipeline is built once and cached; a call rents its <see cref="ResilienceContext"/> from Polly's pool.
/// While a version's breaker is closed (nearly always), callers take <see cref="TryPass"/>: the call goes straight to the
/// grid and its outcome is then recorded through the pipeline synchronously, so the success path pays for no async
/// state machine of Polly's or of this class; an open or half-open breaker goes through the whole pipeline as before.
/// </summary>
internal sealed partial class VersionCircuitBreakers
{
    private readonly ConcurrentDictionary<string, VersionBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly Func<string, VersionBreaker> _create;
    private readonly ResilienceOptions _options;
    private readonly ModelCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger<VersionCircuitBreakers> _logger;

    public VersionCircuitBreakers(IOptions<ResilienceOptions> options, ModelCatalog catalog, TimeProvider time, ILogger<VersionCircuitBreakers> logger)
    {
        _options = options.Value;
        _catalog = catalog;
        _time = time;
        _logger = logger;
        _create = Create;
    }

    /// <summary>
    /// True when a call on <paramref name="versionKey"/> may go straight to the grid: breakers are disabled, or the
    /// version's breaker is closed. The caller then reports the call's outcome on <paramref name="pass"/>. False: call
    /// <see cref="PredictAsync"/> or <see cref="InferAsync"/>, which let the breaker refuse it or serve the fallback.
    /// </summary>
    public bool TryPass(string versionKey, out BreakerPass pass)
    {
        if (!_options.CircuitBreakerEnabled)
        {
            pass = default;
            return true;
        }

        var breaker = _breakers.GetOrAdd(versionKey, _create);
        pass = new BreakerPass(breaker);
        return breaker.State.CircuitState == CircuitState.Closed;
    }

    /// <summary>Predicts on <paramref name="versionKey"/> through its breaker, or on the model's fallback while it is open.</summary>
    public ValueTask<GuardedResult<PredictResult>> PredictAsync(
        GridCalls grid, string model, string version, string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
        _options.CircuitBreakerEnabled
            ? GuardedAsync<PredictCall, PredictRequest, PredictResult>(grid, model, version, versionKey, request, cancellationToken)
            : UnguardedAsync(grid.PredictAsync(versionKey, request, cancellationToken));

    /// <summary>Runs tensors on <paramref name="versionKey"/> through its breaker, or on the model's fallback while it is open.</summary>
    public ValueTask<GuardedResult<InferenceResult>> InferAsync(
        GridCalls grid, string model, string version, string versionKey, InferenceRequest request, CancellationToken cancellationToken) =>
        _options.CircuitBreakerEnabled
            ? GuardedAsync<InferCall, InferenceRequest, InferenceResult>(grid, model, version, versionKey, request, cancellationToken)
            : UnguardedAsync(grid.InferAsync(versionKey, request, cancellationToken));

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<GuardedResult<T>> UnguardedAsync<T>(ValueTask<T> call) => new(await call, null);

    /// <summary>The call Polly runs: the grid's answer or exception as an outcome (Polly's outcome API must not throw).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Outcome<GridAnswer>> CallAsync<TCall, TRequest, TResult>(ResilienceContext context, (GridCalls Grid, string VersionKey, TRequest Request) state)
        where TCall : IGridCall<TRequest, TResult>
        where TResult : class
    {
        try
        {
            var result = await TCall.CallAsync(state.Grid, state.VersionKey, state.Request, context.CancellationToken);
            return Outcome.FromResult(new GridAnswer(TCall.StatusOf(result), result));
        }
        catch (Exception ex)
        {
            return Outcome.FromException<GridAnswer>(ex);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<GuardedResult<TResult>> GuardedAsync<TCall, TRequest, TResult>(
        GridCalls grid, string model, string version, string versionKey, TRequest request, CancellationToken cancellationToken)
        where TCall : IGridCall<TRequest, TResult>
        where TResult : class
    {
        var (result, brokenFor) = await ExecuteAsync<TCall, TRequest, TResult>(grid, versionKey, request, cancellationToken);
        if (brokenFor is not { } wait)
        {
            return new(result!, null);
        }

        _options.Models.TryGetValue(model, out var settings);
        if (settings is { FallbackToCachedAnswer: true } && await TCall.CachedAsync(grid, versionKey, request, cancellationToken) is { } cached)
        {
            return new(cached, null, CachedFallback: true);
        }

        var fallback = settings?.FallbackVersion;
        if (string.IsNullOrEmpty(fallback) || fallback == version)
        {
            return new(TCall.Unavailable(model, version, wait, settings is { FallbackToCachedAnswer: true }
                ? $"Model '{model}/{version}' is failing: its circuit breaker is open, its result cache holds no answer for this request and no fallback version is configured (Resilience:Models:{model}:FallbackVersion); retry after {Seconds(wait)} s."
                : $"Model '{model}/{version}' is failing: its circuit breaker is open and no fallback version is configured (Resilience:Models:{model}:FallbackVersion); retry after {Seconds(wait)} s."), null);
        }

        if (!_catalog.TryGet(model, fallback, out var entry))
        {
            return new(TCall.Unavailable(model, version, wait,
                $"Model '{model}/{version}' is failing: its circuit breaker is open and its fallback version '{fallback}' is not registered; retry after {Seconds(wait)} s."), null);
        }

        var (served, fallbackBrokenFor) = await ExecuteAsync<TCall, TRequest, TResult>(grid, entry.VersionKey, request, cancellationToken);
        if (fallbackBrokenFor is { } fallbackWait)
        {
            var retry = fallbackWait < wait ? fallbackWait : wait;
            return new(TCall.Unavailable(model, version, retry,
                $"Model '{model}/{version}' and its fallback version '{fallback}' are both failing: their circuit breakers are open; retry after {Seconds(retry)} s."), null);
        }

        return new(served!, fallback);
    }

    /// <summary>The grid's result, or (default, how long) when the version's breaker refused the call.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(TResult? Result, TimeSpan? BrokenFor)> ExecuteAsync<TCall, TRequest, TResult>(
        GridCalls grid, string versionKey, TRequest request, CancellationToken cancellationToken)
        where TCall : IGridCall<TRequest, TResult>
        where TResult : class
    {
        var pipeline = _breakers.GetOrAdd(versionKey, _create).Pipeline;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(CallAsync<TCall, TRequest, TResult>, context, (Grid: grid, VersionKey: versionKey, Request: request));
            if (outcome.Exception is BrokenCircuitException broken)
            {
                return (default, broken.RetryAfter ?? _options.BreakDuration);
            }

            outcome.ThrowIfException();
            return ((TResult)outcome.Result.Result!, null);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private VersionBreaker Create(string versionKey)
    {
        var state = new CircuitBreakerStateProvider();
        return new(CreatePipeline(versionKey, state), state);
    }

    private ResiliencePipeline<GridAnswer> CreatePipeline(string versionKey, CircuitBreakerStateProvider state) => new ResiliencePipelineBuilder<GridAnswer> { TimeProvider = _time }
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions<GridAnswer>
        {
            StateProvider = state,
            FailureRatio = _options.FailureRatio,
            MinimumThroughput = _options.MinimumThroughput,
            SamplingDuration = _options.SamplingDuration,
            BreakDuration = _options.BreakDuration,
            ShouldHandle = static args => ValueTask.FromResult(Describe(args.Outcome, args.Context) is not null),
            OnOpened = args =>
            {
                Log.Opened(_logger, versionKey, args.BreakDuration, Describe(args.Outcome, args.Context) ?? "failures");
                return default;
            },
            OnHalfOpened = _ =>
            {
                Log.HalfOpened(_logger, versionKey);
                return default;
            },
            OnClosed = _ =>
            {
                Log.Closed(_logger, versionKey);
                return default;
            },
        })
        .Build();

    /// <summary>
    /// What makes an outcome a failure of the version, or null when it is none: bad input (4xx), a full queue, or the
    /// client's own abort say nothing about the version's health.
    /// </summary>
    private static string? Describe(Outcome<GridAnswer> outcome, ResilienceContext context) => outcome switch
    {
        { Exception: OperationCanceledException } when context.CancellationToken.IsCancellationRequested => null,
        { Exception: { } exception } => exception.GetType().Name,
        _ => DescribeStatus(outcome.Result.Status),
    };

    /// <summary>What Polly sees of a grid call: the status that decides failure, and the result itself (a class: no boxing; null when only recorded).</summary>
    internal readonly record struct GridAnswer(InferenceStatus Status, object? Result);

    private static string? DescribeStatus(InferenceStatus status) =>
        status is InferenceStatus.ModelFailure or InferenceStatus.Unavailable or InferenceStatus.DeadlineExceeded ? status.ToString() : null;

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>One kind of grid call: how to make it and how to say "unavailable" in its result type.</summary>
    private interface IGridCall<TRequest, TResult>
    {
        static abstract ValueTask<TResult> CallAsync(GridCalls grid, string versionKey, TRequest request, CancellationToken cancellationToken);

        static abstract InferenceStatus StatusOf(TResult result);

        /// <summary>The version's cached answer to <paramref name="request"/>, or null (also where the call kind has no cache).</summary>
        static abstract ValueTask<TResult?> CachedAsync(GridCalls grid, string versionKey, TRequest request, CancellationToken cancellationToken);

        static abstract TResult Unavailable(string model, string version, TimeSpan retryAfter, string error);
    }

    private readonly struct PredictCall : IGridCall<PredictRequest, PredictResult>
    {
        public static ValueTask<PredictResult> CallAsync(GridCalls grid, string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
            grid.PredictAsync(versionKey, request, cancellationToken);

        public static InferenceStatus StatusOf(PredictResult result) => result.Status;

        public static ValueTask<PredictResult?> CachedAsync(GridCalls grid, string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
            grid.GetCachedPredictionAsync(versionKey, request, cancellationToken);

        public static PredictResult Unavailable(string model, string version, TimeSpan retryAfter, string error) =>
            new(InferenceStatus.Unavailable, model, version, Error: error, RetryAfter: retryAfter);
    }

    private readonly struct InferCall : IGridCall<InferenceRequest, InferenceResult>
    {
        public static ValueTask<InferenceResult> CallAsync(GridCalls grid, string versionKey, InferenceRequest request, CancellationToken cancellationToken) =>
            grid.InferAsync(versionKey, request, cancellationToken);

        public static InferenceStatus StatusOf(InferenceResult result) => result.Status;

        public static ValueTask<InferenceResult?> CachedAsync(GridCalls grid, string versionKey, InferenceRequest request, CancellationToken cancellationToken) =>
            new((InferenceResult?)null);

        public static InferenceResult Unavailable(string model, string version, TimeSpan retryAfter, string error) =>
            new(InferenceStatus.Unavailable, model, version, Error: error, RetryAfter: retryAfter);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "Circuit breaker of model version {VersionKey} opened for {BreakDuration} after {Outcome}; its model's fallback (if any) serves meanwhile.")]
        public static partial void Opened(ILogger logger, string versionKey, TimeSpan breakDuration, string outcome);

        [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Circuit breaker of model version {VersionKey} is half-open: the next call is a trial.")]
        public static partial void HalfOpened(ILogger logger, string versionKey);

        [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "Circuit breaker of model version {VersionKey} closed: the version serves again.")]
        public static partial void Closed(ILogger logger, string versionKey);
    }
}
